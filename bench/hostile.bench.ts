// Input shapes that were quadratic (the trust issue, item 16), each timed at n and 2n so that the
// ratio shows the growth: about 2 for linear work, about 4 for quadratic. The anchor of each row
// is the same input through the cheapest path that does the same job (the JSON renderer for the
// human one). `--results` writes the table into bench/RESULTS.md.
import { fileURLToPath } from 'node:url';
import { renderDiagnostics } from '../cli/render/index.ts';
import type { Diagnostic } from '../language/diagnostic.ts';
import { writeResultsSection } from './results-file.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function time(f: () => unknown, rounds = 3): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

/** n warnings, each pointing at one keyword of a single line holding all n keywords. */
function oneLongLine(n: number): { diags: Diagnostic[]; text: string } {
  const parts: string[] = [];
  const diags: Diagnostic[] = [];
  let col = 12;
  for (let i = 0; i < n; i++) {
    const kw = `"k${i}"`;
    diags.push({ code: 'hush/lint/duplicate-keyword', severity: 'warning', message: `keyword ${kw} repeats`, file: 'p.policy', range: { start: { line: 1, column: col, offset: col - 1 }, end: { line: 1, column: col + kw.length, offset: col - 1 + kw.length } } });
    parts.push(kw);
    col += kw.length + 2;
  }
  return { diags, text: `  keywords ${parts.join(', ')}\n` };
}

const rows: string[] = [];
for (const n of [2_500, 5_000, 10_000]) {
  const { diags, text } = oneLongLine(n);
  const opts = { getSource: () => text, color: false, files: 1 };
  const human = time(() => renderDiagnostics('human', diags, opts));
  const json = time(() => renderDiagnostics('json', diags, opts));
  rows.push(`| human renderer, ${n.toLocaleString('en')} diagnostics on one ${Math.round(text.length / 1024)} KiB line | ${human.toFixed(0)} ms | ${json.toFixed(0)} ms | ${(human / json).toFixed(2)}x |`);
}

const table = ['| input shape | time | anchor (JSON renderer) | ratio |', '| --- | --- | --- | --- |', ...rows].join('\n');
process.stdout.write(`${table}\n`);
if (process.argv.includes('--results')) {
  writeResultsSection(
    ROOT,
    '## Hostile input shapes',
    `## Hostile input shapes\n\n\`node bin/run-ts.js bench/hostile.bench.ts --results\` (in \`npm run bench\`). Each shape at growing n: time that doubles with n is linear. The human renderer was 10.6 s on 5,000 diagnostics before the trust issue (it measured the whole line once per diagnostic).\n\n${table}\n`,
  );
}
