// `hush test --coverage`: which parts of a policy no case exercised, like `opa test --coverage`.
// The items are the IR's rules, each rule's `when` triggers (one item per rule and trigger type:
// a decision's `matches` name the trigger by its type, so two `when flood` lines of one rule are
// one item, placed at the first) and each ladder's steps (`1`, `2`, …, `severe`, `linked`). A
// decision exercises the rules and triggers of its `matches` and the ladder steps of its
// `sanctions`. Places come from the IR's source locations. Coverage is a report: it never
// changes the exit status.
import type { Decision, EventError, IrPolicySet } from '../runtime/index.ts';
import { percentOf, type CoverageCount, type CoverageItem, type Coverage, type PolicyCoverage } from './test-results.ts';

export class CoverageTally {
  private readonly items: CoverageItem[] = [];
  private readonly seen = new Set<string>();

  constructor(
    ir: IrPolicySet,
    /** The policy path the fixtures name, relative to the working folder. */
    readonly policy: string,
    /** How a policy file is named in the report (the IR holds the path it was loaded by). */
    fileName: (file: string) => string = (f) => f,
  ) {
    for (const r of ir.rules) {
      this.items.push({ kind: 'rule', name: r.name, file: fileName(r.loc.file), line: r.loc.line, column: r.loc.column });
      const types = new Set<string>();
      for (const t of r.triggers) {
        if (types.has(t.type)) continue;
        types.add(t.type);
        this.items.push({ kind: 'trigger', name: `${r.name}/${t.type}`, file: fileName(t.loc.file), line: t.loc.line, column: t.loc.column });
      }
    }
    for (const l of ir.ladders) {
      const steps = [...l.steps.map((s) => ({ name: String(s.number), loc: s.loc })), ...(l.severe ? [{ name: 'severe', loc: l.severe.loc }] : []), ...(l.linked ? [{ name: 'linked', loc: l.linked.loc }] : [])];
      for (const s of steps) this.items.push({ kind: 'step', name: `${l.name}/${s.name}`, file: fileName(s.loc.file), line: s.loc.line, column: s.loc.column });
    }
  }

  /** Notes what one decision exercised. */
  record(got: Decision | EventError): void {
    if ('error' in got) return;
    for (const m of got.matches) {
      this.seen.add(`rule:${m.rule}`);
      this.seen.add(`trigger:${m.rule}/${m.trigger}`);
    }
    for (const s of got.sanctions ?? []) this.seen.add(`step:${s.ladder}/${s.step}`);
  }

  result(): PolicyCoverage {
    const count = (kind?: CoverageItem['kind']): CoverageCount => {
      const xs = kind ? this.items.filter((i) => i.kind === kind) : this.items;
      return { items: xs.length, exercised: xs.filter((i) => this.seen.has(`${i.kind}:${i.name}`)).length };
    };
    const all = count();
    const unexercised = this.items
      .filter((i) => !this.seen.has(`${i.kind}:${i.name}`))
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
    return { policy: this.policy, ...all, percent: percentOf(all), rules: count('rule'), triggers: count('trigger'), steps: count('step'), unexercised };
  }
}

/** The coverage of every policy the fixtures ran, and the total over them. */
export function coverageOf(tallies: readonly CoverageTally[]): Coverage {
  const policies = tallies.map((t) => t.result());
  const total = { items: 0, exercised: 0 };
  for (const p of policies) {
    total.items += p.items;
    total.exercised += p.exercised;
  }
  return { ...total, percent: percentOf(total), policies };
}
