// `hush test` for people at a terminal: each fixture, a line per case, and under a failing case
// each expectation that did not hold at its `file:line:column` with what the decision was (the
// rules that fired); a broken case or fixture at the place of what is wrong; the counts; and with
// `--coverage` what no case exercised, at its place in the policy.
//
//   shop.test.yaml
//     ok      keyword
//     FAIL    wrong on purpose (shop.test.yaml:8:5)
//             shop.test.yaml:14:9: event 3: actions[0].ms: want 60000, got 1800000
//               decision: not allowed; fired: ads/flood; actions: mute 30m
//   1 passed, 1 failed (1 file)
//
// File names, case names, differences and decisions come from fixtures, events and policies:
// each line goes through `terminalText` (escape.ts).
import { countResults, countsText, type Coverage, type TestReport } from '../test-results.ts';
import { terminalText } from './escape.ts';

const MARK = { passed: 'ok', failed: 'FAIL', broken: 'BROKEN' } as const;

export function coverageLines(coverage: Coverage): string[] {
  const lines: string[] = [];
  const n = (c: { items: number; exercised: number }) => `${c.exercised}/${c.items}`;
  for (const p of coverage.policies) {
    lines.push(`coverage of ${p.policy}: ${p.percent}% (${p.exercised} of ${p.items}): rules ${n(p.rules)}, triggers ${n(p.triggers)}, ladder steps ${n(p.steps)}`);
    if (p.unexercised.length > 0) lines.push('  not exercised by any case:');
    for (const i of p.unexercised) lines.push(`    ${i.file}:${i.line}:${i.column}: ${i.kind === 'step' ? 'ladder step' : i.kind} ${i.name}`);
  }
  if (coverage.policies.length > 1) lines.push(`coverage: ${coverage.percent}% (${coverage.exercised} of ${coverage.items})`);
  return lines;
}

export function renderTestHuman(report: TestReport): string {
  const lines: string[] = [];
  for (const f of report.files) {
    lines.push(f.file);
    if (f.error) {
      lines.push(`  ERROR   ${f.file}:${f.error.line}:${f.error.column}: ${f.error.message}`);
    }
    for (const c of f.cases) {
      lines.push(`  ${MARK[c.status].padEnd(6)}  ${c.name}${c.status === 'passed' ? '' : ` (${f.file}:${c.line}:${c.column})`}`);
      for (const p of c.problems) lines.push(`          ${f.file}:${p.line}:${p.column}: ${p.message}`);
      for (const x of c.failures) {
        for (const d of x.differences) lines.push(`          ${f.file}:${x.line}:${x.column}: event ${x.event}: ${d}`);
        lines.push(`            decision: ${x.got}`);
      }
    }
  }
  lines.push(countsText(countResults(report.files)));
  if (report.coverage) lines.push(...coverageLines(report.coverage));
  return lines.map(terminalText).join('\n') + '\n';
}
