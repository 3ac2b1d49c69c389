// Test helper: the order-free facts of ladder decisions, for tests where N workers decide the same
// members' violations in any order. From the decisions: per ladder/member the strike numbers and
// the violations that struck, per ladder/member/step how many sanctions were applied; the same
// read back from the store, so that a test can hold the two equal (every event once, no step twice).
import type { Decision } from '../engine/engine.ts';
import type { AsyncStore } from '../store/store.ts';

export interface LadderFacts {
  /** Per ladder/member: the strike numbers given, sorted. */
  strikes: Record<string, number[]>;
  /** Per ladder/member: the violations that struck, sorted. */
  violations: Record<string, string[]>;
  /** Per ladder/member/step: how many sanctions it applied. */
  steps: Record<string, number>;
}

/** The facts of decision lines (JSON), `inputs[k]` the violation event decision `k` answers. */
export function factsOfDecisions(lines: string[], inputs: string[]): LadderFacts {
  const f: LadderFacts = { strikes: {}, violations: {}, steps: {} };
  lines.forEach((line, k) => {
    const d = JSON.parse(line) as Decision & { error?: unknown };
    if (d.error) return;
    const e = JSON.parse(inputs[k]) as { id: string; subject: string };
    for (const s of d.strikes ?? []) {
      (f.strikes[`${s.ladder}/${e.subject}`] ??= []).push(s.strike);
      (f.violations[`${s.ladder}/${e.subject}`] ??= []).push(e.id);
    }
    for (const s of d.sanctions ?? []) f.steps[`${s.ladder}/${e.subject}/${s.step}`] = (f.steps[`${s.ladder}/${e.subject}/${s.step}`] ?? 0) + 1;
  });
  for (const v of Object.values(f.strikes)) v.sort((a, b) => a - b);
  for (const v of Object.values(f.violations)) v.sort();
  return f;
}

/** The same facts read from the store the workers shared, for these members and ladders. */
export async function factsOfStore(store: AsyncStore, members: readonly string[], ladders: readonly string[]): Promise<LadderFacts> {
  const f: LadderFacts = { strikes: {}, violations: {}, steps: {} };
  for (const m of members) {
    for (const l of ladders) {
      const s = await store.strikesOf(l, m);
      if (s.length === 0) continue;
      f.strikes[`${l}/${m}`] = s.map((x) => x.ordinal).sort((a, b) => a - b);
      f.violations[`${l}/${m}`] = s.map((x) => x.violation).sort();
    }
    for (const s of await store.sanctionsOf(m)) {
      // As a decision names the step: 0 is the severe path, -1 the linked-account line.
      const key = `${s.ladder}/${m}/${s.step === 0 ? 'severe' : s.step < 0 ? 'linked' : s.step}`;
      f.steps[key] = (f.steps[key] ?? 0) + 1;
    }
  }
  return f;
}
