// The shape of each rule: an owner, groups, at least one `when`, a list for every trigger that
// needs one, sensible counts and durations, known normalisation steps, no statement given twice
// where only one makes sense.
import { NORMALIZE_STEPS } from '../../language/builtins.ts';
import type * as A from '../../language/ast.ts';
import { entryLoc, hasSyntaxErrorIn, type RuleModel } from '../model/model.ts';
import { parseLinkPattern } from '../model/link-pattern.ts';
import { at, locOf, type Accept, type Check } from './check.ts';
import { closest } from './names.ts';

export const checkRuleStructure: Check = (model, accept) => {
  const validated = new Set<string[]>();
  for (const r of model.rules) checkRule(r, hasSyntaxErrorIn(model, r.loc), validated, accept);
  if (model.files.length) {
    for (const f of model.files) {
      for (const d of f.declarations) if (d.kind === 'normalize') checkNormalize(f.file, d.steps, accept);
    }
  }
};

function checkRule(r: RuleModel, incomplete: boolean, validated: Set<string[]>, accept: Accept): void {
  const file = r.loc.file;
  const body = r.decl.body;
  // A rule holding a syntax error may have lost the very statement a check would miss.
  const missing = incomplete ? () => {} : accept;

  if (r.owners.length === 0) {
    missing(at(r.nameLoc, 'hush/semantic/missing-owner', 'warning', `rule \`${r.name}\` has no owner`, {
      help: 'add `owner super-admin "id"`, `owner member "id"` or `owner rule-manager of "management rule"`; creator quotas count rules by owner',
    }));
  }
  for (const o of r.owners.slice(1)) {
    accept(at(o.loc, 'hush/semantic/duplicate-statement', 'error', `rule \`${r.name}\` has more than one owner`, {
      related: [{ ...r.owners[0].loc, message: 'first owner here' }],
      help: 'a rule has one creator, whose quota it counts against',
    }));
  }
  if (r.groups.length === 0) {
    missing(at(r.nameLoc, 'hush/semantic/missing-groups', 'warning', `rule \`${r.name}\` applies to no customer group`, {
      help: 'add `groups "g-1", "g-2"` or `groups from "lists/groups.txt"`',
    }));
  }
  if (r.whens.length === 0) {
    missing(at(r.nameLoc, 'hush/semantic/rule-without-trigger', 'error', `rule \`${r.name}\` has no trigger and no action`, {
      help: 'add a line such as `when keyword then recall`',
    }));
  }
  for (const kind of ['configured', 'announce'] as const) {
    const xs = body.filter((s) => s.kind === kind);
    for (const s of xs.slice(1)) {
      accept(at(locOf(file, s), 'hush/semantic/duplicate-statement', 'error', `\`${kind}\` is given twice in rule \`${r.name}\``, {
        related: [{ ...locOf(file, xs[0]), message: 'first given here' }],
      }));
    }
  }
  const norms = body.filter((s): s is A.NormalizeStmt => s.kind === 'normalize');
  for (const s of norms.slice(1)) {
    accept(at(locOf(file, s), 'hush/semantic/duplicate-statement', 'error', `\`normalize\` is given twice in rule \`${r.name}\``));
  }
  for (const s of norms) checkNormalize(file, s.steps, accept);
  if (r.configuredOn && !/^\d+(\.\d+){0,3}$/.test(r.configuredOn.version)) {
    accept(at(r.configuredOn.loc, 'hush/semantic/bad-version', 'error', `\`${r.configuredOn.version}\` is not a platform version`, {
      help: 'write the version as numbers and dots, for example "4.1.20"',
    }));
  }
  for (const s of body) if (s.kind === 'announce' && s.text.value.trim() === '') accept(at(locOf(file, s.text), 'hush/semantic/empty-text', 'error', 'the announcement is empty'));

  // A list that failed to load counts as non-empty: its error is already reported.
  // Whitelists from list files are shared by many rules: validate each list once.
  for (const l of r.allow.links) {
    if (validated.has(l.values)) continue;
    validated.add(l.values);
    l.values.forEach((v, i) => {
      const p = parseLinkPattern(v);
      if (!p.ok) accept(at(entryLoc(l, i), 'hush/semantic/bad-link-pattern', 'error', p.message, { help: 'write links as `https://shop.acme.cn/*`, `*.acme.cn` or `acme.cn/menu`' }));
    });
  }
  for (const l of r.allow.miniprograms) {
    if (validated.has(l.values)) continue;
    validated.add(l.values);
    l.values.forEach((v, i) => {
      if (!/^wx[0-9a-f]{16}$/i.test(v)) {
        accept(at(entryLoc(l, i), 'hush/lint/miniprogram-id', 'warning', `\`${v}\` does not look like a mini-program AppID`, { help: 'AppIDs are `wx` and 16 hexadecimal digits, e.g. wx3f2a9c8b7d6e5f40' }));
      }
    });
  }
  const listSize = (xs: { values: string[]; failed?: true }[]) => xs.reduce((n, l) => n + (l.failed ? 1 : l.values.length), 0);
  const seenTriggers = new Map<string, A.WhenStmt>();
  for (const w of r.whens) {
    const t = w.trigger;
    const tloc = locOf(file, t);
    const key = triggerKey(t);
    const prev = seenTriggers.get(key);
    if (prev) {
      accept(at(tloc, 'hush/lint/duplicate-trigger', 'warning', `rule \`${r.name}\` has this trigger twice`, {
        related: [{ ...locOf(file, prev.trigger), message: 'first here' }],
        help: 'merge the actions into one `when` line',
      }));
    } else seenTriggers.set(key, w);

    switch (t.type) {
      case 'keyword':
        // Patterns fire the keyword trigger too (spec/language.md §5, `pattern`).
        if (listSize(r.keywords.map((k) => k.list)) === 0 && listSize(r.patterns) === 0) {
          missing(at(tloc, 'hush/semantic/empty-trigger-list', 'error', `rule \`${r.name}\` has a keyword trigger but no keywords`, {
            help: 'add `keywords "…"` to the rule',
          }));
        }
        break;
      case 'link':
      case 'miniprogram':
      case 'card': {
        const target = t.type === 'link' ? 'links' : t.type === 'miniprogram' ? 'miniprograms' : 'cards';
        if (listSize(r.allow[target]) === 0) {
          missing(at(tloc, 'hush/semantic/empty-trigger-list', 'error', `rule \`${r.name}\` has a ${t.type} trigger but no \`allow ${target}\` whitelist`, {
            help: `the trigger fires on a ${t.type} not on the whitelist; add \`allow ${target} "…"\``,
          }));
        }
        break;
      }
      case 'flood':
        if (t.count.value < 1) accept(at(locOf(file, t.count), 'hush/semantic/bad-count', 'error', 'a flood limit must allow at least one message'));
        if (t.window.ms === null) accept(at(locOf(file, t.window), 'hush/semantic/bad-duration', 'error', 'a flood window cannot be forever'));
        break;
      case 'new-member':
        if (t.within.ms === null) accept(at(locOf(file, t.within), 'hush/semantic/bad-duration', 'error', 'a quiet period cannot be forever', { help: 'use `when identity …` to stop a kind of sender for good' }));
        break;
      case 'length':
        if (t.max.value < 1) accept(at(locOf(file, t.max), 'hush/semantic/bad-count', 'error', 'a length limit must be at least 1 character'));
        break;
      case 'identity':
        for (const id of t.identities) if (id.value.trim() === '') accept(at(locOf(file, id), 'hush/semantic/empty-text', 'error', 'an identity name is empty'));
        break;
      case 'image':
        break;
    }
    checkActions(file, w, accept);
  }
}

function checkActions(file: string, w: A.WhenStmt, accept: Accept): void {
  const seen = new Map<string, A.Action>();
  for (const a of w.actions) {
    const key = a.type === 'warn' ? `warn:${a.text.value}` : a.type === 'record' ? `record:${a.category.name}` : a.type === 'blacklist' ? `bl:${a.scope}` : a.type === 'notify' ? `notify:${a.target}` : a.type;
    const prev = seen.get(key) ?? (a.type === 'mute' ? seen.get('mute') : undefined);
    if (prev) {
      accept(at(locOf(file, a), 'hush/lint/duplicate-action', 'warning', `\`${a.type}\` is given twice for this trigger`, {
        related: [{ ...locOf(file, prev), message: 'first here' }],
      }));
    } else seen.set(key, a);
    if (a.type === 'mute' && a.duration.ms === null) {
      accept(at(locOf(file, a.duration), 'hush/semantic/bad-duration', 'error', 'a mute cannot be forever', { help: 'use `blacklist enterprise` to stop a sender for good' }));
    }
    if (a.type === 'warn' && a.text.value.trim() === '') accept(at(locOf(file, a.text), 'hush/semantic/empty-text', 'error', 'the warning text is empty'));
  }
}

function triggerKey(t: A.Trigger): string {
  switch (t.type) {
    case 'flood':
      return `flood:${t.count.value}:${t.window.ms}`;
    case 'identity':
      return `identity:${t.identities.map((i) => i.value).sort().join('\0')}`;
    case 'new-member':
      return `new-member:${t.within.ms}`;
    case 'length':
      return `length:${t.max.value}`;
    default:
      return t.type;
  }
}

export function checkNormalize(file: string, steps: A.Ident[], accept: Accept): void {
  const known = Object.keys(NORMALIZE_STEPS);
  const seen = new Set<string>();
  for (const s of steps) {
    if (!(s.name in NORMALIZE_STEPS)) {
      const near = closest(s.name, known);
      accept(at(locOf(file, s), 'hush/semantic/unknown-normalize-step', 'error', `unknown normalisation step \`${s.name}\``, {
        help: near ? `did you mean \`${near}\`?` : `steps are ${known.join(', ')}`,
      }));
    } else if (seen.has(s.name)) {
      accept(at(locOf(file, s), 'hush/lint/duplicate-entry', 'warning', `\`${s.name}\` is listed twice`));
    }
    seen.add(s.name);
  }
  if (seen.has('none') && steps.length > 1) {
    const none = steps.find((s) => s.name === 'none')!;
    accept(at(locOf(file, none), 'hush/semantic/conflicting-normalize', 'error', '`none` cannot be combined with other steps'));
  }
}

