// Builds the checked model of a policy set from the ASTs of its files: merges declarations
// across files, loads every list file, resolves the limits profile and the categories. Problems
// found on the way (a list file that cannot be read, an unknown profile, two different
// enterprise names) are reported; the model is always built, with what could be loaded.
import type * as A from '../../language/ast.ts';
import { BUILTIN_CATEGORIES, DEFAULT_LIMITS_PROFILE, DEFAULT_NORMALIZE, type NormalizeStep } from '../../language/builtins.ts';
import { diagnostic, type Diagnostic } from '../../language/diagnostic.ts';
import { availableProfiles, loadProfile } from '../load/limits-profile.ts';
import type { ListFileReader } from '../load/list-file.ts';
import type { CategoryModel, LadderModel, LoadedList, Loc, Owner, PolicySetModel, QuotaModel, RuleModel, VariantsModel } from './model.ts';

export interface ParsedFile {
  path: string;
  root: string;
  ast: A.PolicyFile;
}

export function astToModel(parsed: ParsedFile[], lists: ListFileReader, rootForModel: string): { model: PolicySetModel; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const accept = (d: Diagnostic) => diagnostics.push(d);
  const loc = (file: string, n: A.Node): Loc => ({ file, range: n.range });

  const load = (file: string, root: string, src: A.ListSource): LoadedList => {
    if (src.kind === 'inline') {
      return { values: src.items.map((i) => i.value), ranges: src.items.map((i) => i.range), loc: loc(file, src) };
    }
    const r = lists.read(src.path.value, file, root);
    if (!r.ok) {
      accept(diagnostic(r.code, 'error', r.message, file, src.path.range, r.help ? { help: r.help } : {}));
      return { values: [], loc: loc(file, src), failed: true };
    }
    return { values: r.content.values, lines: r.content.lines, listFile: r.path, loc: loc(file, src) };
  };

  // Enterprise and profile: at most one value across the set.
  let enterprise: PolicySetModel['enterprise'];
  let profileDecl: { name: string; loc: Loc } | undefined;
  let normalize: NormalizeStep[] | undefined;
  const enterpriseBlacklist: LoadedList[] = [];
  const personalBlacklists = new Map<string, LoadedList[]>();
  const exempt: LoadedList[] = [];
  const categories = new Map<string, CategoryModel>();
  for (const c of BUILTIN_CATEGORIES) categories.set(c.id, { id: c.id, label: c.label, builtin: true });
  const rules: RuleModel[] = [];
  const ladders: LadderModel[] = [];
  const quotas: QuotaModel[] = [];
  const variants: VariantsModel[] = [];

  for (const { path: file, root, ast } of parsed) {
    for (const d of ast.declarations) {
      switch (d.kind) {
        case 'enterprise':
          if (enterprise && enterprise.name !== d.name.value) {
            accept(
              diagnostic('hush/semantic/conflicting-enterprise', 'error', `the policy set names two enterprises: \`${enterprise.name}\` and \`${d.name.value}\``, file, d.name.range, {
                related: [{ ...enterprise.loc, message: 'first named here' }],
                help: 'a policy set belongs to one enterprise',
              }),
            );
          } else if (!enterprise) enterprise = { name: d.name.value, loc: loc(file, d.name) };
          break;
        case 'limits':
          if (profileDecl && profileDecl.name !== d.profile.value) {
            accept(
              diagnostic('hush/semantic/conflicting-profile', 'error', `the policy set names two limits profiles: \`${profileDecl.name}\` and \`${d.profile.value}\``, file, d.profile.range, {
                related: [{ ...profileDecl.loc, message: 'first named here' }],
              }),
            );
          } else if (!profileDecl) profileDecl = { name: d.profile.value, loc: loc(file, d.profile) };
          break;
        case 'normalize':
          if (normalize) {
            accept(diagnostic('hush/semantic/duplicate-statement', 'error', 'the policy set has more than one `normalize` declaration', file, d.range));
          } else normalize = d.steps.map((s) => s.name as NormalizeStep);
          break;
        case 'blacklist': {
          const list = load(file, root, d.list);
          if (d.scope === 'enterprise') enterpriseBlacklist.push(list);
          else {
            const owner = d.owner!.value;
            const xs = personalBlacklists.get(owner) ?? [];
            xs.push(list);
            personalBlacklists.set(owner, xs);
          }
          break;
        }
        case 'exempt':
          exempt.push(load(file, root, d.list));
          break;
        case 'category': {
          const prev = categories.get(d.name.name);
          if (prev) {
            accept(
              diagnostic(
                prev.builtin ? 'hush/semantic/builtin-category' : 'hush/semantic/duplicate-name',
                'error',
                prev.builtin ? `\`${d.name.name}\` is a built-in category` : `category \`${d.name.name}\` is declared twice`,
                file,
                d.name.range,
                prev.loc ? { related: [{ ...prev.loc, message: 'first declared here' }] } : { help: 'built-in categories need no declaration' },
              ),
            );
          } else {
            const c: CategoryModel = { id: d.name.name, builtin: false, loc: loc(file, d.name) };
            if (d.label) c.label = d.label.value;
            categories.set(d.name.name, c);
          }
          break;
        }
        case 'rule':
          rules.push(ruleModel(file, root, d, load, loc));
          break;
        case 'ladder':
          ladders.push(ladderModel(file, root, d, load, loc));
          break;
        case 'quota':
          quotas.push({ name: d.name.name, loc: loc(file, d), nameLoc: loc(file, d.name), decl: d });
          break;
        case 'variants':
          variants.push({ word: d.word.value, wordLoc: loc(file, d.word), spellings: load(file, root, d.list), loc: loc(file, d) });
          break;
      }
    }
  }

  let profile = loadProfile(DEFAULT_LIMITS_PROFILE)!;
  if (profileDecl) {
    const p = loadProfile(profileDecl.name);
    if (p) profile = p;
    else {
      accept(
        diagnostic('hush/semantic/unknown-profile', 'error', `unknown limits profile \`${profileDecl.name}\``, profileDecl.loc.file, profileDecl.loc.range, {
          help: `known profiles: ${availableProfiles().join(', ')}`,
        }),
      );
    }
  }

  const setNormalize = normalize ?? [...DEFAULT_NORMALIZE];
  for (const r of rules) if (!r.decl.body.some((s) => s.kind === 'normalize')) r.normalize = setNormalize;

  const model: PolicySetModel = {
    root: rootForModel,
    files: parsed.map((p) => p.ast),
    profile,
    normalize: setNormalize,
    enterpriseBlacklist,
    personalBlacklists,
    exempt,
    categories,
    rules,
    ladders,
    quotas,
    variants,
    syntaxErrors: new Map(),
  };
  if (enterprise) model.enterprise = enterprise;
  return { model, diagnostics };
}

function ruleModel(
  file: string,
  root: string,
  d: A.RuleDecl,
  load: (file: string, root: string, src: A.ListSource) => LoadedList,
  loc: (file: string, n: A.Node) => Loc,
): RuleModel {
  const r: RuleModel = {
    name: d.name.value,
    loc: loc(file, d),
    nameLoc: loc(file, d.name),
    decl: d,
    owners: [],
    groups: [],
    keywords: [],
    patterns: [],
    exceptions: [],
    allow: { links: [], miniprograms: [], cards: [] },
    normalize: [],
    whens: [],
    exempt: [],
    times: [],
    days: [],
  };
  for (const s of d.body) {
    switch (s.kind) {
      case 'owner': {
        const o: Owner = { role: s.role, loc: loc(file, s) };
        if (s.id) o.id = s.id.value;
        if (s.managementRule) o.managementRule = s.managementRule.value;
        r.owners.push(o);
        break;
      }
      case 'groups':
        r.groups.push(load(file, root, s.list));
        break;
      case 'keywords':
        r.keywords.push({ list: load(file, root, s.list), wholeWord: s.wholeWord });
        break;
      case 'pattern':
        r.patterns.push(load(file, root, s.list));
        break;
      case 'except':
        r.exceptions.push(load(file, root, s.list));
        break;
      case 'allow':
        r.allow[s.target].push(load(file, root, s.list));
        break;
      case 'normalize':
        r.normalize = s.steps.map((x) => x.name as NormalizeStep);
        break;
      case 'configured':
        r.configuredOn = { version: s.version.value, loc: loc(file, s.version) };
        break;
      case 'announce':
        r.announce = s.text.value;
        break;
      case 'when':
        r.whens.push(s);
        break;
      case 'exempt':
        r.exempt.push(load(file, root, s.list));
        break;
      case 'during':
        if (s.times) r.times.push({ window: s.times, loc: loc(file, s.times) });
        else if (s.days) r.days.push(load(file, root, s.days));
        break;
    }
  }
  return r;
}

function ladderModel(
  file: string,
  root: string,
  d: A.LadderDecl,
  load: (file: string, root: string, src: A.ListSource) => LoadedList,
  loc: (file: string, n: A.Node) => Loc,
): LadderModel {
  const l: LadderModel = { name: d.name.value, loc: loc(file, d), nameLoc: loc(file, d.name), decl: d, counts: [], steps: [], members: [] };
  for (const s of d.body) {
    if (s.kind === 'counts') l.counts.push(...s.categories);
    else if (s.kind === 'step') l.steps.push(s);
    else if (s.kind === 'severe') l.severe ??= s;
    else if (s.kind === 'expire') l.expireAfter ??= s.after;
    else if (s.kind === 'members') l.members.push(load(file, root, s.list));
    else if (s.kind === 'linked') l.linked ??= s;
    else if (s.kind === 'for') l.for ??= s;
  }
  return l;
}
