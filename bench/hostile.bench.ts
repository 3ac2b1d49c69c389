// Input shapes that were quadratic (the trust issue, item 16), each timed at n, 2n and 4n so that
// the rows show the growth: time that doubles with n is linear, time that quadruples is
// quadratic. The anchor of each row is the same input through the cheapest path that does the
// same job (the JSON renderer for the human one, the lexer alone for parser recovery, the JSON
// renderer for compile's warnings). `--results` writes the table into bench/RESULTS.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderDiagnostics } from '../cli/render/index.ts';
import { irToJson, policySetToIr } from '../compiler/lower/policy-set-to-ir.ts';
import type { Diagnostic } from '../language/diagnostic.ts';
import { LineIndex } from '../language/line-index.ts';
import { parsePolicy } from '../language/text-to-ast.ts';
import { textToTokens } from '../language/text-to-tokens.ts';
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

// Parser recovery: `rule rule rule …`, every `rule` a declaration without its name and block (the
// check of abandoned blocks asked every error for every block: 10,000 took 40 s).
for (const n of [5_000, 10_000, 20_000]) {
  const text = `enterprise "e"\n${'rule '.repeat(n)}\n`;
  const parse = time(() => parsePolicy(text, 'p.policy'), 2);
  const lex = time(() => textToTokens(text, 'p.policy', new LineIndex(text)), 2);
  rows.push(`| parser recovery, \`rule\` × ${n.toLocaleString('en')} (\`hush check\`'s parse) | ${parse.toFixed(0)} ms | ${lex.toFixed(0)} ms (lexer) | ${(parse / lex).toFixed(2)}x |`);
}

// `hush compile --emit ir` on one `when` line of n actions (`recall, recall, …`): n − 1
// duplicate-action warnings on one long line, then the IR's JSON. Anchor: the same with the
// warnings rendered as JSON.
const dir = mkdtempSync(join(tmpdir(), 'hush-hostile-'));
try {
  for (const n of [5_000, 10_000, 20_000]) {
    const set = join(dir, String(n));
    mkdirSync(set);
    writeFileSync(join(set, 'p.policy'), `enterprise "e"\nrule "r" {\n  owner super-admin "a"\n  groups "g1"\n  keywords "k"\n  when keyword then ${Array(n).fill('recall').join(', ')}\n}\n`);
    const compile = (format: 'human' | 'json') => () => {
      const r = policySetToIr([set]);
      const shown = r.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'warning');
      renderDiagnostics(format, shown, { getSource: (f) => r.check.sources.get(f), color: false, files: 1 });
      return r.ir && irToJson(r.ir);
    };
    const human = time(compile('human'), 2);
    const json = time(compile('json'), 2);
    rows.push(`| \`compile --emit ir\`, ${n.toLocaleString('en')} actions on one \`when\` line | ${human.toFixed(0)} ms | ${json.toFixed(0)} ms (JSON renderer) | ${(human / json).toFixed(2)}x |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const table = ['| input shape | time | anchor | ratio |', '| --- | --- | --- | --- |', ...rows].join('\n');
process.stdout.write(`${table}\n`);
if (process.argv.includes('--results')) {
  writeResultsSection(
    ROOT,
    '## Hostile input shapes',
    `## Hostile input shapes\n\n\`node bin/run-ts.js bench/hostile.bench.ts --results\` (in \`npm run bench\`). Each shape at growing n: time that doubles with n is linear. The human renderer was 10.6 s on 5,000 diagnostics before the trust issue (it measured the whole line once per diagnostic); parser recovery on \`rule\` × 10,000 took 8 s in the parse alone (40 s reported; the check of abandoned blocks asked every error for every block), and \`compile --emit ir\` on 5,000 actions on one line 62 s (the renderer again).\n\n${table}\n`,
  );
}
