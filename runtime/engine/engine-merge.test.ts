// The engine's merge and matches on many firings: their fast paths (a run of firings sharing one
// list of actions merged once; matches found without a set while the rules ascend, as a policy
// returns them) must give exactly what the plain definitions give, for firings in any order and
// lists of actions shared or not, and `explain`'s merge log must not change. The outcome that
// generated code builds rule by rule (OutcomeBuilder) must be the outcome of the same firings.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Evidence, RuleFiring } from '../policy/compiled-policy.ts';
import { matchesOf, mergeActionLists, mergeActions, type Match, type MergeStep } from './engine.ts';
import { actionListsOf, OutcomeBuilder, outcomeOfFirings } from '../policy/outcome.ts';
import type { IrAction, IrTriggerType } from '../ir.ts';

const T0 = Date.parse('2026-11-23T10:00:00Z');

/** The definition: one match per rule and trigger, the first firing's first evidence. */
function matchesByDefinition(firings: readonly RuleFiring[]): Match[] {
  const seen = new Set<string>();
  const out: Match[] = [];
  for (const f of firings) {
    const key = JSON.stringify([f.rule, f.trigger]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ rule: f.rule, trigger: f.trigger, evidence: f.evidence[0] });
  }
  return out;
}

const action: fc.Arbitrary<IrAction> = fc.oneof(
  fc.constant({ type: 'recall' } as const),
  fc.constant({ type: 'remove' } as const),
  fc.integer({ min: 1, max: 5 }).map((m) => ({ type: 'mute', ms: m * 60_000 }) as const),
  fc.constantFrom('group', 'personal', 'enterprise').map((scope) => ({ type: 'blacklist', scope }) as IrAction),
  fc.constantFrom('w1', 'w2', 'w3').map((text) => ({ type: 'warn', text }) as const),
  fc.constantFrom('owner', 'admins').map((target) => ({ type: 'notify', target }) as IrAction),
  fc.constantFrom('ads', 'harassment').map((category) => ({ type: 'record', category }) as const),
);

/** Firings whose lists of actions come from a small pool, so that neighbours often share one. */
const firings: fc.Arbitrary<RuleFiring[]> = fc
  .record({
    pool: fc.array(fc.array(action, { maxLength: 4 }), { minLength: 1, maxLength: 4 }),
    picks: fc.array(
      fc.record({
        rule: fc.constantFrom('a', 'b', 'c', 'rule-1', 'rule-2', 'é', ''),
        trigger: fc.constantFrom<IrTriggerType>('keyword', 'link', 'flood', 'identity'),
        list: fc.nat(3),
      }),
      { maxLength: 40 },
    ),
    sorted: fc.boolean(),
  })
  .map(({ pool, picks, sorted }) => {
    const fs = picks.map(({ rule, trigger, list }, i) => ({
      rule,
      trigger,
      triggerIndex: i % 3,
      evidence: [{ identity: `${rule}-${i}` } as Evidence],
      actions: pool[list % pool.length],
    }));
    // Half the cases come in rule order, as policies return them: the fast path's own case.
    return sorted ? fs.sort((x, y) => (x.rule < y.rule ? -1 : x.rule > y.rule ? 1 : 0)) : fs;
  });

/** The same firings, each with its own copy of its actions: no list is shared. */
const unshared = (fs: RuleFiring[]) => fs.map((f) => ({ ...f, actions: f.actions.map((a) => ({ ...a })) }));

describe('merge and matches on many firings', () => {
  it('finds the matches the definition finds, whatever the order of the firings', () => {
    fc.assert(
      fc.property(firings, (fs) => {
        expect(matchesOf(fs)).toEqual(matchesByDefinition(fs));
      }),
      { numRuns: 2000 },
    );
  });

  it('merges shared lists of actions as it merges copies of them, and logs every step', () => {
    fc.assert(
      fc.property(firings, (fs) => {
        const copies = unshared(fs);
        expect(mergeActions(fs, T0)).toEqual(mergeActions(copies, T0));
        const log: MergeStep[] = [];
        const copyLog: MergeStep[] = [];
        expect(mergeActions(fs, T0, log)).toEqual(mergeActions(copies, T0, copyLog));
        expect(log).toEqual(copyLog);
        expect(log.length).toBe(fs.reduce((n, f) => n + f.actions.length, 0));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps one match per trigger of a rule that fires twice, and a rule that comes back', () => {
    const f = (rule: string, trigger: IrTriggerType, i: number): RuleFiring => ({ rule, trigger, triggerIndex: i, evidence: [{ identity: String(i) }], actions: [] });
    expect(matchesOf([f('a', 'keyword', 0), f('a', 'link', 1), f('a', 'keyword', 2), f('b', 'keyword', 3)]).map((m) => m.evidence)).toEqual([{ identity: '0' }, { identity: '1' }, { identity: '3' }]);
    // Out of rule order: `a` again after `b` is still the same rule.
    expect(matchesOf([f('b', 'keyword', 0), f('a', 'keyword', 1), f('b', 'keyword', 2)]).map((m) => m.evidence)).toEqual([{ identity: '0' }, { identity: '1' }]);
  });

  it('merges the lists of actions of an outcome as it merges the firings', () => {
    fc.assert(
      fc.property(firings, (fs) => {
        expect(mergeActionLists(actionListsOf(fs), T0)).toEqual(mergeActions(fs, T0));
        expect(mergeActionLists(actionListsOf(unshared(fs)), T0)).toEqual(mergeActions(fs, T0));
      }),
      { numRuns: 2000 },
    );
  });

  it('builds, firing by firing, the outcome of the firings (as generated code calls it)', () => {
    const inOrder = firings.map((fs) => fs.sort((x, y) => (x.rule < y.rule ? -1 : x.rule > y.rule ? 1 : 0)));
    fc.assert(
      fc.property(inOrder, fc.nat(50), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), (fs, spare, earlierLine) => {
        // Capacity too small or large enough: the builder must not care.
        const b = new OutcomeBuilder(spare % 2 === 0 ? spare : fs.length);
        fs.forEach((f, i) => {
          // Generated code knows which `when` lines repeat a trigger type of their rule: after
          // a firing of that type it is always such a line, else it may be one (an earlier line
          // of the type that did not fire).
          const again = fs.slice(0, i).some((g) => g.rule === f.rule && g.trigger === f.trigger) || earlierLine[i];
          if (again) b.fireAgain(f.rule, f.trigger, f.evidence[0], f.actions);
          else b.fire(f.rule, f.trigger, f.evidence[0], f.actions);
        });
        const got = b.finish();
        const want = outcomeOfFirings(fs);
        if (want === null) expect(got).toBeNull();
        else {
          expect(got).not.toBeNull();
          expect(got!.matches).toEqual(want.matches);
          expect(got!.actions).toEqual(want.actions);
          // The same arrays of actions, not copies: the merge skips a repeated list by identity.
          got!.actions.forEach((list, i) => expect(list).toBe(want.actions[i]));
        }
      }),
      { numRuns: 2000 },
    );
  });
});
