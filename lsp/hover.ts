// Hover: what the construct under the cursor means (the word table of hover-docs.ts), and the
// facts of the checked policy set where they matter: how much of a documented limit a list
// uses ("keywords 87/100", "groups 20,000/20,000"), how many rules count against an owner's
// quota, what a category is and which ladders count it, how many entries a list file holds.
import type * as A from '../language/ast.ts';
import { BUILTIN_CATEGORIES } from '../language/builtins.ts';
import { DURATION_UNITS } from '../language/duration.ts';
import { KEYWORDS } from '../language/tokens.ts';
import type { LimitId } from '../compiler/load/limits-profile.ts';
import type { LoadedList, PolicySetModel, RuleModel } from '../compiler/model/model.ts';
import { listStats } from '../compiler/model/list-stats.ts';
import { countText as n } from '../compiler/wording.ts';
import { categoryAt, enclosingBlock, innermost, listPathAt, nodesAt, blockNameAt, type Step } from './ast-at.ts';
import { wordDoc } from './hover-docs.ts';

const KEYWORD_SET = new Set<string>(KEYWORDS);

export interface HoverResult {
  markdown: string;
  /** The span hovered, as offsets. */
  start: number;
  end: number;
}

function distinct(lists: LoadedList[]): number {
  if (lists.length === 1) return listStats(lists[0].values).distinct;
  const s = new Set<string>();
  for (const l of lists) for (const v of l.values) s.add(v);
  return s.size;
}

/** "keywords 87/100" with a warning sign past the limit. */
function usage(model: PolicySetModel, id: LimitId, what: string, count: number): string {
  const l = model.profile.byId.get(id);
  if (!l || l.max === null) return `**${what}** ${n(count)}`;
  const mark = count > l.max ? ' (over the limit)' : count === l.max ? ' (at the limit)' : '';
  return `**${what}** ${n(count)}/${n(l.max)}${mark}`;
}

/** The loaded list of a list source, found by its position. */
function loadedOf(model: PolicySetModel, file: string, src: A.ListSource): LoadedList | undefined {
  const all: LoadedList[] = [...model.enterpriseBlacklist, ...model.exempt, ...[...model.personalBlacklists.values()].flat()];
  for (const r of model.rules) all.push(...r.groups, ...r.keywords.map((k) => k.list), ...r.exceptions, ...r.allow.links, ...r.allow.miniprograms, ...r.allow.cards);
  return all.find((l) => l.loc.file === file && l.loc.range.start.offset === src.range.start.offset);
}

function quotaLine(model: PolicySetModel, r: RuleModel): string | undefined {
  const o = r.owners[0];
  if (!o) return undefined;
  const same = model.rules.filter((x) => {
    const y = x.owners[0];
    if (!y || y.role !== o.role) return false;
    if (o.role === 'super-admin') return true;
    if (o.role === 'rule-manager') return y.managementRule === o.managementRule;
    return y.id === o.id;
  }).length;
  if (o.role === 'super-admin') return usage(model, 'rules-per-super-admins', 'rules by all super admins', same);
  if (o.role === 'rule-manager') return usage(model, 'rules-per-management-rule', `rules by the owners of \`${o.managementRule}\``, same);
  return usage(model, 'rules-per-member', `rules by \`${o.id}\``, same);
}

/** Limit usage for the statement or declaration on the path. */
function limitLines(model: PolicySetModel | undefined, file: string, path: Step[]): string[] {
  if (!model) return [];
  const block = enclosingBlock(path);
  const rule = block?.kind === 'rule' ? model.rules.find((r) => r.decl === block) : undefined;
  const stmt = path.find((s) => s.key === 'body' || s.key === 'declarations' && (s.node as { kind?: string }).kind !== 'rule' && (s.node as { kind?: string }).kind !== 'ladder')?.node as
    | (A.RuleStatement | A.Declaration)
    | undefined;
  if (!stmt) return [];
  const out: string[] = [];
  const own = 'list' in stmt ? loadedOf(model, file, stmt.list) : undefined;
  const here = own && !own.failed ? ` (this statement: ${n(own.values.length)})` : '';
  switch (stmt.kind) {
    case 'keywords':
      if (rule) out.push(usage(model, 'keywords-per-rule', 'keywords', distinct(rule.keywords.map((k) => k.list))) + ` in rule \`${rule.name}\`` + here);
      break;
    case 'groups':
      if (rule) {
        const count = distinct(rule.groups);
        out.push(usage(model, 'groups-per-rule', 'groups', count) + ` in rule \`${rule.name}\`` + here);
        const op = model.profile.byId.get('groups-per-operation');
        if (op?.max && count > op.max) out.push(`configured in ${Math.ceil(count / op.max)} batches of at most ${n(op.max)} groups`);
      }
      break;
    case 'allow':
      if (rule && stmt.target === 'links') out.push(usage(model, 'links-per-rule', 'links', distinct(rule.allow.links)) + ` on the whitelist of \`${rule.name}\`` + here);
      if (rule && stmt.target === 'miniprograms') out.push(usage(model, 'miniprograms-per-rule', 'mini-programs', distinct(rule.allow.miniprograms)) + ` on the whitelist of \`${rule.name}\`` + here);
      if (rule && stmt.target === 'cards') out.push(`**cards** ${n(distinct(rule.allow.cards))} on the whitelist of \`${rule.name}\``);
      break;
    case 'blacklist':
      if (stmt.scope === 'enterprise') out.push(usage(model, 'enterprise-blacklist', 'enterprise blacklist', distinct(model.enterpriseBlacklist)) + here);
      else if (stmt.owner) out.push(usage(model, 'personal-blacklist', `personal blacklist of \`${stmt.owner.value}\``, distinct(model.personalBlacklists.get(stmt.owner.value) ?? [])) + here);
      break;
    case 'exempt':
      out.push(`**exempt customers** ${n(distinct(model.exempt))}` + here);
      break;
    case 'owner':
      if (rule) {
        const q = quotaLine(model, rule);
        if (q) out.push(q);
      }
      break;
    default:
      break;
  }
  return out;
}

function categoryLines(model: PolicySetModel | undefined, id: string): string[] {
  const out: string[] = [];
  const builtin = BUILTIN_CATEGORIES.find((c) => c.id === id);
  const c = model?.categories.get(id);
  if (builtin) out.push(`**category \`${id}\`** (built in, penalty rule ${builtin.penaltyRule}): ${builtin.label}`);
  else if (c) out.push(`**category \`${id}\`** (declared in \`${c.loc?.file}\`)${c.label ? `: ${c.label}` : ''}`);
  else out.push(`**category \`${id}\`**: unknown; declare it with \`category ${id}\``);
  if (model) {
    const ladders = model.ladders.filter((l) => l.counts.some((x) => x.name === id)).map((l) => `\`${l.name}\``);
    const rules = model.rules.filter((r) => r.whens.some((w) => w.actions.some((a) => a.type === 'record' && a.category.name === id))).length;
    out.push(ladders.length ? `counted by ${ladders.join(', ')}` : 'counted by no ladder');
    out.push(`recorded by ${n(rules)} rule${rules === 1 ? '' : 's'}`);
  }
  return out;
}

function describeDuration(d: A.Duration): string {
  if (d.ms === null) return '**forever**: no end';
  const units: [number, string][] = [[DURATION_UNITS.w, 'week'], [DURATION_UNITS.d, 'day'], [DURATION_UNITS.h, 'hour'], [DURATION_UNITS.m, 'minute'], [DURATION_UNITS.s, 'second']];
  for (const [size, name] of units) if (d.ms % size === 0) return `**${d.text}** = ${n(d.ms / size)} ${name}${d.ms / size === 1 ? '' : 's'}`;
  return `**${d.text}**`;
}

/** The word (a name or a keyword) around an offset, outside strings. */
function wordAround(text: string, offset: number): { word: string; start: number; end: number } | undefined {
  const isW = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_-]/.test(c);
  let s = offset;
  let e = offset;
  while (s > 0 && isW(text[s - 1])) s--;
  while (e < text.length && isW(text[e])) e++;
  return s < e ? { word: text.slice(s, e), start: s, end: e } : undefined;
}

export function hover(text: string, ast: A.PolicyFile, file: string, offset: number, model: PolicySetModel | undefined): HoverResult | null {
  const path = nodesAt(ast, offset);
  const { step, parent } = innermost(path);
  const sections: string[] = [];
  let span = { start: step.node.range.start.offset, end: step.node.range.end.offset };

  const category = categoryAt(path);
  const listPath = listPathAt(path);
  const named = blockNameAt(path);
  const isString = typeof (step.node as { value?: unknown }).value === 'string';
  if (category) {
    sections.push(categoryLines(model, category.name).join('  \n'));
  } else if (listPath) {
    const src = parent!.node as unknown as A.FileList;
    const loaded = model && loadedOf(model, file, src);
    sections.push(loaded && !loaded.failed ? `**list file** \`${loaded.listFile}\`: ${n(loaded.values.length)} entries` : `**list file** \`${listPath.value}\``);
  } else if (named) {
    const r = named.decl.kind === 'rule' ? model?.rules.find((x) => x.decl === named.decl) : undefined;
    if (r) {
      const lines = [`**rule \`${r.name}\`**`];
      if (r.owners[0]) lines.push(`owner: ${r.owners[0].role}${r.owners[0].id ? ` \`${r.owners[0].id}\`` : ''}${r.owners[0].managementRule ? ` of \`${r.owners[0].managementRule}\`` : ''}`);
      lines.push(`${n(distinct(r.groups))} groups, ${n(distinct(r.keywords.map((k) => k.list)))} keywords, triggers: ${r.whens.map((w) => w.trigger.type).join(', ') || 'none'}`);
      const q = model && quotaLine(model, r);
      if (q) lines.push(q);
      sections.push(lines.join('  \n'));
    } else if (named.decl.kind === 'ladder') {
      const l = model?.ladders.find((x) => x.decl === named.decl);
      sections.push(`**ladder \`${named.decl.name.value}\`**` + (l ? `  \ncounts ${l.counts.map((c) => `\`${c.name}\``).join(', ') || 'nothing'}; ${l.steps.length} step${l.steps.length === 1 ? '' : 's'}${l.severe ? ', a severe line' : ''}` : ''));
    }
  } else if ('ms' in step.node && 'text' in step.node) {
    sections.push(describeDuration(step.node as unknown as A.Duration));
  } else if ('start' in step.node && 'end' in step.node && 'text' in step.node) {
    // A `during` window of the day.
    const w = step.node as unknown as A.TimeWindow;
    const across = w.end < w.start ? ', across midnight' : w.end === w.start ? ' (empty)' : '';
    sections.push(`**${w.text}**: from ${w.text.slice(0, 5)} to ${w.text.slice(6)} (end excluded)${across}, in the policy set's time zone`);
  } else if (!isString) {
    const w = wordAround(text, offset);
    if (w && KEYWORD_SET.has(w.word) && w.start >= step.node.range.start.offset && w.end <= step.node.range.end.offset) {
      const before = text.slice(Math.max(0, w.start - 40), w.start).match(/([A-Za-z-]+)\s*$/)?.[1];
      const node = step.node as { type?: string; verb?: string; kind?: string };
      // A customer sanction in a ladder step, the ladder's `for` line, an action, or the word before.
      const place =
        node.verb === 'mute' || node.verb === 'remove' || node.verb === 'blacklist' ? 'sanction' : node.kind === 'for' ? 'for' : node.type && w.word === 'blacklist' ? 'action' : before;
      const doc = wordDoc(w.word, place);
      if (doc) {
        sections.push(`\`${doc.syntax}\`\n\n${doc.doc}\n\n*spec/language.md ${doc.see}*`);
        span = { start: w.start, end: w.end };
      }
    }
  }
  const limits = limitLines(model, file, path);
  if (limits.length) sections.push(limits.join('  \n'));
  if (sections.length === 0) return null;
  return { markdown: sections.join('\n\n---\n\n'), ...span };
}
