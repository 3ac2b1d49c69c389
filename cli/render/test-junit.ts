// `hush test -f junit`: a JUnit XML report, which CI systems (GitLab, Jenkins, Azure Pipelines,
// test-report actions on GitHub) show as test results.
//
//   <testsuites name="hush test" tests="2" failures="1" errors="0">
//     <testsuite name="shop.test.yaml" tests="2" failures="1" errors="0">
//       <testcase name="keyword" classname="shop.test.yaml" file="shop.test.yaml" line="3"/>
//       <testcase name="wrong on purpose" classname="shop.test.yaml" file="shop.test.yaml" line="8">
//         <failure message="shop.test.yaml:14:9: event 3: …" type="hush-test-failure">…</failure>
//       </testcase>
//     </testsuite>
//   </testsuites>
//
// One testsuite per fixture and one testcase per case: a failing case has a `<failure>`, a broken
// case an `<error>`; a fixture none of whose cases could run is a suite with one testcase named
// after the fixture, with an `<error>`. Every string is escaped for XML by escape.ts (`xmlText`,
// `xmlAttribute`): markup characters as entities, control characters (which XML 1.0 cannot hold)
// as visible escapes. Coverage, when asked for, is the `<system-out>` of the first suite of each
// policy (JUnit has no place for it on `<testsuites>`).
import { countResults, type FileResult, type PolicyCoverage, type TestReport } from '../test-results.ts';
import { coverageLines } from './test-human.ts';
import { xmlAttribute, xmlText } from './escape.ts';

const attrs = (xs: [string, string | number][]) => xs.map(([k, v]) => ` ${k}="${xmlAttribute(String(v))}"`).join('');

function suite(f: FileResult, coverage: PolicyCoverage | undefined): string[] {
  const out: string[] = [];
  const where = (at: { line: number; column: number }) => `${f.file}:${at.line}:${at.column}`;
  const failures = f.cases.filter((c) => c.status === 'failed').length;
  const errors = f.cases.filter((c) => c.status === 'broken').length + (f.error ? 1 : 0);
  out.push(`  <testsuite${attrs([['name', f.file], ['tests', f.cases.length + (f.error ? 1 : 0)], ['failures', failures], ['errors', errors], ['file', f.file]])}>`);
  if (f.error) {
    // The fixture itself, as a testcase named after it.
    out.push(`    <testcase${attrs([['name', f.file], ['classname', f.file], ['file', f.file], ['line', f.error.line]])}>`);
    const message = `${where(f.error)}: ${f.error.message}`;
    out.push(`      <error${attrs([['message', message], ['type', 'hush-test-broken-fixture']])}>${xmlText(message)}</error>`);
    out.push('    </testcase>');
  }
  for (const c of f.cases) {
    const head = `    <testcase${attrs([['name', c.name], ['classname', f.file], ['file', f.file], ['line', c.line]])}`;
    if (c.status === 'passed') {
      out.push(`${head}/>`);
      continue;
    }
    out.push(`${head}>`);
    if (c.status === 'broken') {
      const lines = c.problems.map((p) => `${where(p)}: ${p.message}`);
      out.push(`      <error${attrs([['message', lines[0] ?? 'broken case'], ['type', 'hush-test-broken-case']])}>${xmlText(lines.join('\n'))}</error>`);
    } else {
      const lines = c.failures.flatMap((x) => [...x.differences.map((d) => `${where(x)}: event ${x.event}: ${d}`), `  decision: ${x.got}`]);
      out.push(`      <failure${attrs([['message', lines[0]], ['type', 'hush-test-failure']])}>${xmlText(lines.join('\n'))}</failure>`);
    }
    out.push('    </testcase>');
  }
  if (coverage) out.push(`    <system-out>${xmlText(coverageLines({ ...coverage, policies: [coverage] }).join('\n'))}</system-out>`);
  out.push('  </testsuite>');
  return out;
}

export function renderTestJunit(report: TestReport): string {
  const c = countResults(report.files);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const tests = c.passed + c.failed + c.broken + c.brokenFiles;
  out.push(`<testsuites${attrs([['name', 'hush test'], ['tests', tests], ['failures', c.failed], ['errors', c.broken + c.brokenFiles]])}>`);
  // Each policy's coverage goes with the first fixture that ran it.
  const pending = new Map((report.coverage?.policies ?? []).map((p) => [p.policy, p]));
  for (const f of report.files) {
    const coverage = !f.error && f.policy !== undefined ? pending.get(f.policy) : undefined;
    if (coverage) pending.delete(coverage.policy);
    out.push(...suite(f, coverage));
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
