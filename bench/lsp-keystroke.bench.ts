// The language server's keystroke latency on large files (trust issue, item 16: "blocking ~10 s
// per keystroke on a 98 KB file"), at n, 2n and 4n so that the rows show the growth: time that
// doubles with n is linear, time that quadruples is quadratic. Over JSON-RPC, as an editor
// drives it: `hush lsp --stdio` in a child process with no debounce, one character typed with an
// incremental `didChange` (a range, as VS Code sends), timed until the `publishDiagnostics` of
// that version arrives; the median of the keystrokes after two warm-up ones. The inputs are
// lsp/testing/big-policy.ts's: a policy of many rules and ladders (edit in a keyword of the
// middle rule), and a rule whose keywords come from a list file (edit in the list file).
//
//   node bin/run-ts.js bench/lsp-keystroke.bench.ts [--runs N] [--results]
//
// `--results` rewrites the "## Language server: keystrokes" section of bench/RESULTS.md.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bigPolicy, keywordListSet, type BigSet } from '../lsp/testing/big-policy.ts';
import { LspClient, uriOf } from '../lsp/testing/lsp-client.ts';
import { writeResultsSection } from './results-file.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const RUNS = args.includes('--runs') && Number(args[args.indexOf('--runs') + 1]) > 0 ? Number(args[args.indexOf('--runs') + 1]) : 10;
const WARMUP = 2;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Median ms from a typed character to its diagnostics; also the cold open. */
async function keystrokeLatency(set: BigSet, runs: number): Promise<{ open: number; keystroke: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'hush-keystroke-'));
  const client = await LspClient.start(dir, { debounceMs: 0 });
  try {
    for (const [rel, text] of Object.entries(set.files)) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
    const uri = uriOf(join(dir, set.edited));
    let t = performance.now();
    await client.open(uri, set.files[set.edited], set.edited.endsWith('.policy') ? 'hush' : 'plaintext');
    await client.diagnosticsFor(uri, undefined, 600_000);
    const open = performance.now() - t;
    const times: number[] = [];
    for (let i = 0; i < runs + WARMUP; i++) {
      const at = { line: set.at.line, character: set.at.character + i };
      t = performance.now();
      await client.edit(uri, [{ range: { start: at, end: at }, text: String(i % 10) }]);
      await client.diagnosticsFor(uri, undefined, 600_000);
      if (i >= WARMUP) times.push(performance.now() - t);
    }
    return { open, keystroke: median(times) };
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const KB = 1024;
  const shapes: { name: string; make: (bytes: number) => BigSet; n: number; runs?: number }[] = [
    { name: 'policy of rules and ladders, a keyword typed into', make: bigPolicy, n: 98 * KB },
    { name: 'keyword list file of one rule, a keyword typed into', make: keywordListSet, n: 24 * KB, runs: Math.min(RUNS, 5) },
  ];
  const rows: string[] = [];
  for (const s of shapes) {
    let base = 0;
    for (const f of [1, 2, 4]) {
      const set = s.make(s.n * f);
      const size = set.files[set.edited].length;
      process.stderr.write(`measuring ${s.name} ${Math.round(size / KB)} KiB…\n`);
      const r = await keystrokeLatency(set, s.runs ?? RUNS);
      if (f === 1) base = r.keystroke;
      rows.push(`| ${s.name} | ${f === 1 ? 'n' : `${f}n`} = ${Math.round(size / KB)} KiB | ${r.keystroke.toFixed(1)} ms | ${(r.keystroke / base).toFixed(1)}x | ${r.open.toFixed(0)} ms |`);
    }
  }
  const section = [
    '## Language server: keystrokes',
    '',
    `\`node bin/run-ts.js bench/lsp-keystroke.bench.ts\`: over JSON-RPC, medians of ${RUNS} keystrokes after ${WARMUP} warm-up ones; ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}.`,
    'One character typed (an incremental `didChange`) to the `publishDiagnostics` of its version, server started with no',
    'debounce. Growth is the time at 2n and 4n over the time at n: about 2x and 4x is linear, 4x and 16x quadratic.',
    '',
    '| file typed into | size | keystroke → diagnostics | growth | open → diagnostics |',
    '| --- | --- | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n');
  process.stdout.write(section + '\n');
  if (args.includes('--results')) writeResultsSection(ROOT, '## Language server: keystrokes', section);
}

await main();
