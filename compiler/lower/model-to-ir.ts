// Lowers the checked model to the IR (runtime/ir.ts): plain data, sorted and de-duplicated
// wherever order carries no meaning, a location on every node from source. Lowering assumes a
// model without errors; the caller (compile) refuses to lower a set that has any.
import type * as A from '../../language/ast.ts';
import type { Range } from '../../language/diagnostic.ts';
import type {
  IrAction, IrContactQuota, IrLadder, IrLinked, IrLinkPattern, IrLoc, IrPattern, IrPolicySet, IrQuotaAdjustment, IrRule, IrSanction, IrStep, IrTrigger, IrVariant, IrWindow,
} from '../../runtime/ir.ts';
import { IR_VERSION } from '../../runtime/ir.ts';
import { variantWordKey } from '../../runtime/text/variants.ts';
import { parseLinkPattern } from '../model/link-pattern.ts';
import { stepsToRuntime } from '../model/normalize-steps.ts';
import type { LadderModel, LoadedList, PolicySetModel, QuotaModel, RuleModel } from '../model/model.ts';
import { DEFAULT_UTC_OFFSET_MINUTES, parseUtcOffset } from '../model/utc-offset.ts';

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// A list file named by many rules is read once (ListFileReader caches it), so its values array
// is shared: sort it once. The default sort orders strings by UTF-16 code units, as `cmp` does,
// and is several times faster on millions of entries.
const sortedOnce = new WeakMap<readonly string[], string[]>();

function sortedDistinct(lists: LoadedList[]): string[] {
  if (lists.length === 1) {
    const values = lists[0].values;
    let sorted = sortedOnce.get(values);
    if (!sorted) {
      sorted = [...new Set(values)].sort();
      sortedOnce.set(values, sorted);
    }
    return sorted;
  }
  const out = new Set<string>();
  for (const l of lists) for (const v of l.values) out.add(v);
  return [...out].sort();
}

export function irLoc(file: string, r: Range): IrLoc {
  return { file, line: r.start.line, column: r.start.column, endLine: r.end.line, endColumn: r.end.column };
}

export function modelToIr(model: PolicySetModel): IrPolicySet {
  const personal = [...model.personalBlacklists.entries()]
    .map(([owner, lists]) => ({ owner, customers: sortedDistinct(lists), loc: irLoc(lists[0].loc.file, lists[0].loc.range) }))
    .sort((a, b) => cmp(a.owner, b.owner));
  const offset = setUtcOffset(model);
  const ir: IrPolicySet = {
    version: IR_VERSION,
    enterprise: model.enterprise?.name ?? null,
    profile: model.profile.profile,
    enterpriseBlacklist: sortedDistinct(model.enterpriseBlacklist),
    personalBlacklists: personal,
    exempt: sortedDistinct(model.exempt),
    categories: [...model.categories.values()]
      .map((c) => ({ id: c.id, label: c.label ?? null, builtin: c.builtin }))
      .sort((a, b) => cmp(a.id, b.id)),
    rules: model.rules.map((r) => ruleToIr(r, offset)).sort((a, b) => cmp(a.name, b.name)),
    ladders: model.ladders.map(ladderToIr).sort((a, b) => cmp(a.name, b.name)),
    contactQuota: quotaToIr(model.quotas.find((q) => q.name === 'contact-add')),
  };
  const variants = variantsToIr(model);
  if (variants.length > 0) ir.variants = variants;
  return ir;
}

/**
 * The set's own variant lines: one entry per word (as the table keys it), its spellings in
 * declaration order, distinct, without an empty one or the word itself; sorted by word.
 */
function variantsToIr(model: PolicySetModel): IrVariant[] {
  const byWord = new Map<string, IrVariant>();
  for (const v of model.variants) {
    const word = variantWordKey(v.word);
    if (word === '') continue;
    let e = byWord.get(word);
    if (!e) byWord.set(word, (e = { word, spellings: [], loc: irLoc(v.loc.file, v.loc.range) }));
    for (const x of v.spellings.values) if (x !== '' && variantWordKey(x) !== word && !e.spellings.includes(x)) e.spellings.push(x);
  }
  return [...byWord.values()].filter((e) => e.spellings.length > 0).sort((a, b) => cmp(a.word, b.word));
}

/** The policy set's time zone: the contact-add quota's `timezone`, else China's (+08:00). */
function setUtcOffset(model: PolicySetModel): number {
  const tz = model.quotas.find((q) => q.name === 'contact-add')?.decl.body.find((s): s is A.TimezoneStmt => s.kind === 'timezone');
  return tz ? (parseUtcOffset(tz.offset.value) ?? DEFAULT_UTC_OFFSET_MINUTES) : DEFAULT_UTC_OFFSET_MINUTES;
}

/** A rule's `during` lines as one window (sorted, distinct), or undefined when it has none. */
function windowToIr(r: RuleModel, utcOffsetMinutes: number): IrWindow | undefined {
  if (r.times.length === 0 && r.days.length === 0) return undefined;
  const times = new Map<string, { start: number; end: number }>();
  for (const { window } of r.times) times.set(`${window.start}-${window.end}`, { start: window.start, end: window.end });
  const days = new Set<string>();
  for (const l of r.days) for (const v of l.values) days.add(v.trim());
  return {
    times: [...times.values()].sort((a, b) => a.start - b.start || a.end - b.end),
    days: [...days].sort(),
    utcOffsetMinutes,
  };
}

function ruleToIr(r: RuleModel, utcOffsetMinutes: number): IrRule {
  const file = r.loc.file;
  const keywords = new Map<string, IrRule['keywords'][number]>();
  for (const { list, wholeWord } of r.keywords) {
    list.values.forEach((text, i) => {
      if (keywords.has(text)) return;
      const range = list.ranges?.[i] ?? list.loc.range;
      keywords.set(text, { text, wholeWord, loc: irLoc(list.listFile && list.lines ? list.listFile : file, list.listFile && list.lines ? lineRange(list.lines[i], text) : range) });
    });
  }
  const links: IrLinkPattern[] = [];
  const seenLinks = new Set<string>();
  for (const l of r.allow.links) {
    for (const v of l.values) {
      if (seenLinks.has(v)) continue;
      seenLinks.add(v);
      const p = parseLinkPattern(v);
      if (p.ok) links.push(p.pattern);
    }
  }
  links.sort((a, b) => cmp(a.pattern, b.pattern));
  const patterns = patternsToIr(r, file);
  const o = r.owners[0];
  const out: IrRule = {
    name: r.name,
    loc: irLoc(file, r.decl.range),
    owner: o ? { role: o.role, id: o.id ?? null, managementRule: o.managementRule ?? null } : null,
    groups: sortedDistinct(r.groups),
    normalize: stepsToRuntime(r.normalize),
    keywords: [...keywords.values()].sort((a, b) => cmp(a.text, b.text)),
    ...(patterns.length > 0 ? { patterns } : {}),
    exceptions: sortedDistinct(r.exceptions),
    links,
    miniprograms: sortedDistinct(r.allow.miniprograms),
    cards: sortedDistinct(r.allow.cards),
    announce: r.announce ?? null,
    triggers: [...r.whens.map((w) => triggerToIr(file, w)), ...implicitWhitelistTriggers(r)],
  };
  // Only when used, so a rule without them lowers to the same IR as before they existed.
  const exempt = sortedDistinct(r.exempt);
  if (exempt.length > 0) out.exempt = exempt;
  const window = windowToIr(r, utcOffsetMinutes);
  if (window) out.window = window;
  return out;
}

/** A rule's patterns, as written, sorted by text, distinct, each at its first place. */
function patternsToIr(r: RuleModel, file: string): IrPattern[] {
  const out = new Map<string, IrPattern>();
  for (const list of r.patterns) {
    list.values.forEach((pattern, i) => {
      if (out.has(pattern)) return;
      const where = list.listFile && list.lines ? irLoc(list.listFile, lineRange(list.lines[i], pattern)) : irLoc(file, list.ranges?.[i] ?? list.loc.range);
      out.set(pattern, { pattern, loc: where });
    });
  }
  return [...out.values()].sort((a, b) => cmp(a.pattern, b.pattern));
}

/**
 * A whitelist is a restriction (spec/language.md, "allow"): a rule with `allow miniprograms …` and
 * no `when miniprogram` line still stops a mini-program that is not on the list, with `recall` (the
 * message is not delivered, nothing more). The trigger stands at the first whitelist statement, so
 * explain and the decision's match point there. Likewise for links and cards.
 */
function implicitWhitelistTriggers(r: RuleModel): IrTrigger[] {
  const out: IrTrigger[] = [];
  for (const [type, target] of [['link', 'links'], ['miniprogram', 'miniprograms'], ['card', 'cards']] as const) {
    const lists = r.allow[target];
    if (lists.length === 0 || lists.every((l) => l.values.length === 0)) continue;
    if (r.whens.some((w) => w.trigger.type === type)) continue;
    out.push({ type, loc: irLoc(lists[0].loc.file, lists[0].loc.range), actions: [{ type: 'recall' }] });
  }
  return out;
}

function lineRange(line: number, text: string): Range {
  return { start: { line, column: 1, offset: -1 }, end: { line, column: text.length + 1, offset: -1 } };
}

function triggerToIr(file: string, w: A.WhenStmt): IrTrigger {
  const t = w.trigger;
  const loc = irLoc(file, w.range);
  const actions = w.actions.map(actionToIr);
  switch (t.type) {
    case 'flood':
      return { type: 'flood', count: t.count.value, windowMs: t.window.ms ?? 0, loc, actions };
    case 'identity':
      return { type: 'identity', identities: [...new Set(t.identities.map((i) => i.value))].sort(cmp), loc, actions };
    case 'new-member':
      return { type: 'new-member', withinMs: t.within.ms ?? 0, loc, actions };
    case 'length':
      return { type: 'length', max: t.max.value, loc, actions };
    default:
      return { type: t.type, loc, actions };
  }
}

function actionToIr(a: A.Action): IrAction {
  switch (a.type) {
    case 'warn':
      return { type: 'warn', text: a.text.value };
    case 'mute':
      return { type: 'mute', ms: a.duration.ms ?? 0 };
    case 'blacklist':
      return { type: 'blacklist', scope: a.scope };
    case 'notify':
      return { type: 'notify', target: a.target };
    case 'record':
      return { type: 'record', category: a.category.name };
    default:
      return { type: a.type };
  }
}

function sanctionToIr(s: A.Sanction): IrSanction {
  const ms = s.duration ? s.duration.ms : null;
  const sanction = s.target === 'customer' ? (s.verb as 'mute' | 'remove') : (`${s.verb}-${s.target}` as IrSanction['sanction']);
  return { sanction, ms };
}

function stepToIr(file: string, number: number, s: A.StepStmt | A.SevereStmt): IrStep {
  return { number, sanctions: s.sanctions.map(sanctionToIr), appealable: !!s.appealable, loc: irLoc(file, s.range) };
}

function ladderToIr(l: LadderModel): IrLadder {
  const file = l.loc.file;
  return {
    name: l.name,
    loc: irLoc(file, l.decl.range),
    counts: [...new Set(l.counts.map((c) => c.name))].sort(cmp),
    steps: [...l.steps].sort((a, b) => a.number.value - b.number.value).map((s) => stepToIr(file, s.number.value, s)),
    severe: l.severe ? stepToIr(file, 0, l.severe) : null,
    expireAfterMs: l.expireAfter?.ms ?? null,
    members: l.members.length ? sortedDistinct(l.members.slice(0, 1)) : null,
    linked: l.linked ? linkedToIr(file, l.linked) : null,
    // Only a customer ladder says so: a member ladder's IR is as before `for` existed.
    ...(l.for?.subjects === 'customers' ? { customers: true as const } : {}),
  };
}

function linkedToIr(file: string, s: A.LinkedStmt): IrLinked {
  // Held sanctions have no duration (the checker rejects one), so every `ms` is null.
  return { sanctions: s.sanctions.map((x) => ({ ...sanctionToIr(x), ms: null })), restoreWithinMs: s.restore?.ms ?? 0, loc: irLoc(file, s.range) };
}

/**
 * A percentage as a fraction, exactly as its decimal text says: `2.3%` is 23 / 1000, the double
 * nearest to 0.023 (dividing the parsed number by 100 would not always be).
 */
export function percentToFraction(text: string): number {
  const [whole, decimals = ''] = text.replace(/%$/, '').split('.');
  return Number(`${whole}${decimals}`) / 10 ** (decimals.length + 2);
}

function conditionToIr(c: A.QuotaCondition): Pick<IrQuotaAdjustment, 'factor' | 'op' | 'value'> {
  if ('negated' in c) return { factor: c.factor, op: 'is', value: !c.negated };
  return { factor: c.factor, op: c.op, value: percentToFraction(c.threshold.text) };
}

function quotaToIr(q: QuotaModel | undefined): IrContactQuota | null {
  if (!q) return null;
  const file = q.loc.file;
  const body = q.decl.body;
  const daily = body.find((s): s is A.DailyStmt => s.kind === 'daily');
  const bound = (kind: 'minimum' | 'maximum') => body.find((s): s is A.BoundStmt => s.kind === kind)?.value.value;
  const tz = body.find((s): s is A.TimezoneStmt => s.kind === 'timezone');
  return {
    loc: irLoc(file, q.decl.range),
    base: daily?.count.value ?? 0,
    adjustments: body
      .filter((s): s is A.AdjustStmt => s.kind === 'adjust')
      .map((s) => ({ delta: s.direction === 'raise' ? s.amount.value : -s.amount.value, ...conditionToIr(s.condition), loc: irLoc(file, s.range) })),
    minimum: bound('minimum') ?? 0,
    maximum: bound('maximum') ?? null,
    utcOffsetMinutes: tz ? (parseUtcOffset(tz.offset.value) ?? DEFAULT_UTC_OFFSET_MINUTES) : DEFAULT_UTC_OFFSET_MINUTES,
  };
}
