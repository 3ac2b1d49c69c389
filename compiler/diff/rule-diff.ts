// Diffs two versions of one rule (same name): owner, groups, keywords and exceptions, whitelists,
// announcement and `when` lines, each change anchored to its line and classed (spec/cli.md).
// Lists only matter through the `when` lines that read them: keywords through `when keyword`,
// the link whitelist through `when link`, groups through every line. A list change with no such
// line in both versions is reported as equivalent, with the reason.
import { loadProfile } from '../load/limits-profile.ts';
import type { IrRule, IrTriggerType } from '../../runtime/ir.ts';
import { DIFF_CODES } from './codes.ts';
import { q } from './describe.ts';
import { entryChanges } from './entry-changes.ts';
import { diffKeywords } from './keyword-diff.ts';
import { coveringPattern } from './link-coverage.ts';
import { countText as count } from '../wording.ts';
import { diffLists } from './list-diff.ts';
import { fromIrLoc, ruleEntryLoc, ruleListLoc, ruleLoc, ruleOwnerLoc, type RuleListKind, type Side } from './side.ts';
import { diffTriggers, pairedTypes } from './trigger-diff.ts';
import { genericFieldChanges } from './generic-fields.ts';
import { diffRuleGate, GATE_FIELDS } from './window-diff.ts';
import type { Change } from './types.ts';

/** The IR fields of a rule this file diffs by name; any other field is diffed generically. */
const KNOWN = ['name', 'loc', 'owner', 'groups', 'normalize', 'keywords', 'patterns', 'exceptions', 'links', 'miniprograms', 'cards', 'announce', 'triggers'];

/** "batch plan: 2 configuration operations of at most 2,000 groups", past the per-operation limit. */
export function batchPlan(side: Side, n: number): string | undefined {
  const max = loadProfile(side.ir.profile)?.byId.get('groups-per-operation')?.max;
  if (!max || n <= max) return undefined;
  return `batch plan: ${count(Math.ceil(n / max))} configuration operations of at most ${count(max)} groups`;
}

function ownerText(o: IrRule['owner']): string {
  if (!o) return 'none';
  if (o.role === 'rule-manager') return `rule-manager of ${q(o.managementRule ?? '?')}${o.id ? ` ${q(o.id)}` : ''}`;
  return `${o.role} ${q(o.id ?? '?')}`;
}

export function diffRule(baseSide: Side, headSide: Side, base: IrRule, head: IrRule): Change[] {
  const name = head.name;
  const anchor = ruleLoc(headSide, name);
  const changes: Change[] = [];
  if (JSON.stringify(base.owner) !== JSON.stringify(head.owner)) {
    changes.push({
      code: DIFF_CODES['owner-changed'],
      effect: 'equivalent',
      message: `owner of rule ${q(name)}: ${ownerText(base.owner)} -> ${ownerText(head.owner)}`,
      note: 'decides nothing; the rule counts against the new owner\'s quota',
      base: ruleOwnerLoc(baseSide, base.name),
      head: ruleOwnerLoc(headSide, name),
      anchor: ruleOwnerLoc(headSide, name) ?? anchor,
    });
  }

  const triggers = diffTriggers(name, base.triggers, head.triggers, anchor);
  const paired = pairedTypes(triggers.delta);
  const inert = (type: IrTriggerType | null, what: string) => {
    if (type === null ? paired.size > 0 : paired.has(type)) return undefined;
    return type === null ? `no \`when\` line reads ${what} in both versions` : `no \`when ${type}\` line reads ${what} in both versions`;
  };
  const listSpec = (kind: RuleListKind) => ({
    headEntry: (v: string) => ruleEntryLoc(headSide, name, kind, v),
    baseEntry: (v: string) => ruleEntryLoc(baseSide, base.name, kind, v),
    headList: (v?: string) => ruleListLoc(headSide, name, kind, v),
    baseList: (v?: string) => ruleListLoc(baseSide, base.name, kind, v),
    fallback: anchor,
  });

  const g = diffLists(base.groups, head.groups);
  changes.push(
    ...entryChanges({
      ...listSpec('groups'),
      added: g.added,
      removed: g.removed,
      addedCode: DIFF_CODES['group-added'],
      removedCode: DIFF_CODES['group-removed'],
      addedEffect: 'stricter',
      removedEffect: 'looser',
      noun: 'group',
      nouns: 'groups',
      container: `rule ${q(name)}`,
      inert: inert(null, 'the groups'),
      addedNote: (n) => batchPlan(headSide, n),
    }),
  );

  changes.push(...diffKeywords({ baseSide, headSide, base, head, anchor, inert: inert('keyword', 'the keywords') }));

  // Pattern keywords fire `when keyword` as keywords do: one added is stricter, one removed looser.
  const patternsOf = (r: IrRule) => new Map((r.patterns ?? []).map((p) => [p.pattern, p] as const));
  const bp = patternsOf(base);
  const hp = patternsOf(head);
  const pd = diffLists([...bp.keys()], [...hp.keys()]);
  changes.push(
    ...entryChanges({
      ...listSpec('patterns'),
      headEntry: (v) => ruleEntryLoc(headSide, name, 'patterns', v) ?? (hp.get(v) ? fromIrLoc(hp.get(v)!.loc) : null),
      baseEntry: (v) => ruleEntryLoc(baseSide, base.name, 'patterns', v) ?? (bp.get(v) ? fromIrLoc(bp.get(v)!.loc) : null),
      added: pd.added,
      removed: pd.removed,
      addedCode: DIFF_CODES['pattern-added'],
      removedCode: DIFF_CODES['pattern-removed'],
      addedEffect: 'stricter',
      removedEffect: 'looser',
      noun: 'pattern',
      nouns: 'patterns',
      container: `rule ${q(name)}`,
      inert: inert('keyword', 'the patterns'),
    }),
  );

  const byPattern = (r: IrRule) => new Map(r.links.map((l) => [l.pattern, l] as const));
  const bl = byPattern(base);
  const hl = byPattern(head);
  const l = diffLists([...bl.keys()], [...hl.keys()]);
  changes.push(
    ...entryChanges({
      ...listSpec('links'),
      added: l.added,
      removed: l.removed,
      addedCode: DIFF_CODES['allow-link-added'],
      removedCode: DIFF_CODES['allow-link-removed'],
      addedEffect: 'looser',
      removedEffect: 'stricter',
      noun: 'link',
      nouns: 'links',
      container: `the link whitelist of rule ${q(name)}`,
      inert: inert('link', 'the link whitelist'),
      covered: (v, direction) => {
        const p = (direction === 'added' ? hl : bl).get(v)!;
        const by = coveringPattern(p, direction === 'added' ? base.links : head.links);
        return by ? `covered by ${q(by.pattern)}, which ${direction === 'added' ? 'already allowed' : 'still allows'} every link it allows` : undefined;
      },
    }),
  );

  for (const [kind, added, removed, noun] of [
    ['miniprograms', DIFF_CODES['allow-miniprogram-added'], DIFF_CODES['allow-miniprogram-removed'], 'mini-program'],
    ['cards', DIFF_CODES['allow-card-added'], DIFF_CODES['allow-card-removed'], 'contact card'],
  ] as const) {
    const d = diffLists(base[kind], head[kind]);
    changes.push(
      ...entryChanges({
        ...listSpec(kind),
        added: d.added,
        removed: d.removed,
        addedCode: added,
        removedCode: removed,
        addedEffect: 'looser',
        removedEffect: 'stricter',
        noun,
        nouns: `${noun}s`,
        container: `the ${noun} whitelist of rule ${q(name)}`,
        inert: inert(kind === 'miniprograms' ? 'miniprogram' : 'card', `the ${noun} whitelist`),
      }),
    );
  }

  if (base.announce !== head.announce) {
    changes.push({
      code: DIFF_CODES['announce-changed'],
      effect: 'equivalent',
      message:
        head.announce === null
          ? `announcement of rule ${q(name)} removed`
          : base.announce === null
            ? `announcement of rule ${q(name)} added: ${q(head.announce)}`
            : `announcement of rule ${q(name)}: ${q(base.announce)} -> ${q(head.announce)}`,
      note: 'the group announcement decides nothing',
      base: null,
      head: null,
      anchor,
    });
  }
  changes.push(...triggers.changes);
  changes.push(...diffRuleGate(baseSide, headSide, base, head, anchor));
  changes.push(...genericFieldChanges(`rule ${q(name)}`, base, head, [...KNOWN, ...GATE_FIELDS], anchor));
  return changes;
}

/** What a rule does, in a few words: `3 \`when\` lines, 5,000 groups`. */
export function ruleSummary(r: IrRule): string {
  const parts = [`${count(r.triggers.length)} \`when\` line${r.triggers.length === 1 ? '' : 's'}`, `${count(r.groups.length)} group${r.groups.length === 1 ? '' : 's'}`];
  if (r.keywords.length > 0) parts.push(`${count(r.keywords.length)} keyword${r.keywords.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** Whether a rule can decide anything: it has a `when` line and a group. */
export function ruleActs(r: IrRule): boolean {
  return r.triggers.length > 0 && r.groups.length > 0;
}

