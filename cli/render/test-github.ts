// `hush test -f github`: GitHub Actions workflow commands, which the runner turns into
// annotations on the fixture's lines in the pull request.
//
//   ::error file=shop.test.yaml,line=14,col=9,title=hush test%3A wrong on purpose::event 3: actions[0].ms: want 60000, got 1800000%0Adecision: not allowed; fired: ads/flood; actions: mute 30m
//
// One `::error` per expectation that did not hold, per problem of a broken case and per broken
// fixture; with `--coverage`, one `::notice` per item no case exercised, on its policy line. The
// counts (and the coverage) end the output as plain lines. Properties and messages are escaped by
// escape.ts (`githubProperty`, `githubData`), so a case name cannot end the command or forge one.
import { countResults, countsText, type TestReport } from '../test-results.ts';
import { githubData, githubProperty, terminalText } from './escape.ts';

function command(kind: 'error' | 'notice', file: string, at: { line: number; column: number }, title: string, message: string): string {
  const props: [string, string | number][] = [
    ['file', file.replace(/\\/g, '/')],
    ['line', at.line],
    ['col', at.column],
    ['title', title],
  ];
  return `::${kind} ${props.map(([k, v]) => `${k}=${githubProperty(String(v))}`).join(',')}::${githubData(message)}`;
}

export function renderTestGithub(report: TestReport): string {
  const out: string[] = [];
  for (const f of report.files) {
    if (f.error) out.push(command('error', f.file, f.error, 'hush test: broken fixture', f.error.message));
    for (const c of f.cases) {
      for (const p of c.problems) out.push(command('error', f.file, p, `hush test: broken case ${c.name}`, p.message));
      for (const x of c.failures) {
        out.push(command('error', f.file, x, `hush test: ${c.name}`, [...x.differences.map((d) => `event ${x.event}: ${d}`), `decision: ${x.got}`].join('\n')));
      }
    }
  }
  out.push(terminalText(countsText(countResults(report.files))));
  if (report.coverage) {
    for (const p of report.coverage.policies) {
      for (const i of p.unexercised) {
        out.push(command('notice', i.file, i, 'hush test: coverage', `${i.kind === 'step' ? 'ladder step' : i.kind} ${i.name} is not exercised by any case`));
      }
      out.push(terminalText(`coverage of ${p.policy}: ${p.percent}% (${p.exercised} of ${p.items})`));
    }
  }
  return out.join('\n') + '\n';
}
