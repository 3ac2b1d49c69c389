// The language server's latency: diagnostics after an edit and completion, on the largest example
// policy set (by size, in examples/) and on a generated 5,000-line policy. Each is measured two
// ways, medians of many runs after a warm-up:
// - in process: the server's own work (re-checking the set after a one-keyword edit, with the
//   edit's text as the overlay; computing the completion items);
// - over JSON-RPC: `hush lsp --stdio` in a child process with no debounce, timed from sending
//   `didChange` to receiving its `publishDiagnostics`, and a `completion` request's round trip.
// The target is a median under 50 ms everywhere.
//
//   node bin/run-ts.js bench/lsp.bench.ts [--runs N] [--results]
//
// `--results` also rewrites the "## Language server" section of bench/RESULTS.md. Exit status 1
// when a target is missed.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { complete } from '../lsp/completion.ts';
import { Workspace } from '../lsp/policy-sets.ts';
import { LspClient, textDocument, uriOf } from '../lsp/testing/lsp-client.ts';
import { marked } from '../lsp/testing/markers.ts';
import { writeResultsSection } from './results-file.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGET_MS = 50;
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) > 0 && args.includes('--runs') ? Number(args[args.indexOf('--runs') + 1]) : 40;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function sizeOf(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    const st = statSync(p);
    n += st.isDirectory() ? sizeOf(p) : st.size;
  }
  return n;
}

/** A deterministic policy of exactly 5,000 lines: rules of every statement kind, then ladders. */
function generatedPolicy(): string {
  const lines = ['enterprise "bench"', 'limits "wecom-4.1.36"', 'normalize case, width, symbols', 'category coupon-spam "Farming coupons"', ''];
  for (let i = 0; lines.length < 4990; i++) {
    lines.push(
      `# Rule ${i}: advertising in the stores of region ${i % 40}.`,
      `rule "r-${i}" {`,
      `  owner member "m-${i % 200}"`,
      `  groups "g-${i}-a", "g-${i}-b", "g-${i}-c"`,
      `  keywords "加微信${i}", "代购${i}", "kw-${i}-0", "kw-${i}-1", "kw-${i}-2"`,
      `  except "路口交通${i}"`,
      `  allow links "https://shop${i}.acme.cn/*", "*.acme${i}.cn"`,
      `  when keyword then recall, warn "请勿发送广告", record ${i % 2 ? 'harassment' : 'coupon-spam'}`,
      `  when link then recall`,
      `  when flood 5 in 10s then mute 30m`,
      '}',
      '',
    );
  }
  lines.length = Math.min(lines.length, 4990);
  while (lines[lines.length - 1] !== '' && lines[lines.length - 1] !== '}') lines.pop();
  lines.push('ladder "interop-abuse" {', '  counts harassment, coupon-spam', '  step 1: suspend interop for 1h, appealable', '  step 2: suspend interop forever', '}');
  while (lines.length < 5000) lines.push('# padding');
  return lines.join('\n') + '\n';
}

interface Case {
  name: string;
  dir: string;
  file: string;
  text: string;
  /** The n-th edited text: one keyword changed, so one declaration is re-parsed. */
  edit: (n: number) => string;
  /** Where completion is asked: after `then ` (actions) and after `record ` (categories). */
  cursors: string[];
}

async function measureInProcess(c: Case) {
  const ws = new Workspace();
  ws.folders = [c.dir];
  const uri = uriOf(join(c.dir, c.file));
  let version = 1;
  const docOf = (text: string) => textDocument(uri, version++, text);
  let doc = docOf(c.text);
  const t0 = performance.now();
  const root = ws.update(doc);
  ws.state(root);
  const cold = performance.now() - t0;
  const diag: number[] = [];
  for (let i = 0; i < RUNS + 5; i++) {
    doc = docOf(c.edit(i));
    const s = performance.now();
    ws.update(doc);
    const st = ws.state(root);
    const ms = performance.now() - s;
    if (st.diagnostics.some((d) => d.severity === 'error')) throw new Error(`${c.name}: unexpected errors: ${st.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)}`);
    if (i >= 5) diag.push(ms);
  }
  const comp: number[] = [];
  for (let i = 0; i < RUNS + 5; i++) {
    const m = marked(c.cursors[i % c.cursors.length]);
    const d = textDocument(uri, 1, m.text);
    const s = performance.now();
    const items = complete({ text: m.text, offset: d.offsetAt(m.cursors[0]), positions: d, dir: c.dir, model: ws.state(root).model });
    const ms = performance.now() - s;
    if (items.length === 0) throw new Error(`${c.name}: no completion`);
    if (i >= 5) comp.push(ms);
  }
  return { cold, diagnostics: median(diag), completion: median(comp) };
}

async function measureOverRpc(c: Case) {
  const client = await LspClient.start(c.dir, { debounceMs: 0 });
  try {
    const uri = uriOf(join(c.dir, c.file));
    await client.open(uri, c.text);
    await client.diagnosticsFor(uri, undefined, 60_000);
    const diag: number[] = [];
    for (let i = 0; i < RUNS + 5; i++) {
      const s = performance.now();
      await client.change(uri, c.edit(1000 + i));
      await client.diagnosticsFor(uri, undefined, 60_000);
      if (i >= 5) diag.push(performance.now() - s);
    }
    const comp: number[] = [];
    for (let i = 0; i < RUNS + 5; i++) {
      const m = marked(c.cursors[i % c.cursors.length]);
      if (i % c.cursors.length === 0 || c.cursors.length > 1) await client.change(uri, m.text);
      const s = performance.now();
      const r = await client.request('textDocument/completion', { textDocument: { uri }, position: m.cursors[0] });
      if (i >= 5) comp.push(performance.now() - s);
      if (!Array.isArray(r) || r.length === 0) throw new Error(`${c.name}: no completion over JSON-RPC`);
    }
    return { diagnostics: median(diag), completion: median(comp) };
  } finally {
    await client.stop();
  }
}

function writeResults(section: string): void {
  writeResultsSection(ROOT, '## Language server', section);
}

async function main(): Promise<number> {
  const examples = join(ROOT, 'examples');
  const largest = readdirSync(examples)
    .filter((d) => statSync(join(examples, d)).isDirectory())
    .sort((a, b) => sizeOf(join(examples, b)) - sizeOf(join(examples, a)))[0];
  const exDir = join(examples, largest);
  const exFile = readdirSync(exDir).find((f) => f.endsWith('.policy'))!;
  const exText = readFileSync(join(exDir, exFile), 'utf8');
  const exKeyword = /keywords "([^"]+)"/.exec(exText)![1];
  const withCursor = (text: string, anchor: string, at: number) => {
    const i = text.indexOf(anchor);
    if (i === -1) throw new Error(`no \`${anchor}\` to put a cursor after`);
    return text.slice(0, i + at) + '<|>' + text.slice(i + at);
  };

  const gen = mkdtempSync(join(tmpdir(), 'hush-lsp-bench-'));
  const genText = generatedPolicy();
  writeFileSync(join(gen, 'big.policy'), genText);
  const mid = 200;
  const cases: Case[] = [
    {
      name: `largest example (examples/${largest}, ${exText.split('\n').length} lines + list files)`,
      dir: exDir,
      file: exFile,
      text: exText,
      edit: (n) => exText.replace(`"${exKeyword}"`, `"${exKeyword}${n}"`),
      cursors: [withCursor(exText, 'then recall, ', 'then recall, '.length), withCursor(exText, 'record harassment', 'record '.length)],
    },
    {
      name: 'generated 5,000-line policy',
      dir: gen,
      file: 'big.policy',
      text: genText,
      edit: (n) => genText.replace(`"kw-${mid}-0"`, `"kw-${mid}-0x${n}"`),
      cursors: [withCursor(genText, `"kw-${mid}-2"\n`, `"kw-${mid}-2"\n`.length), withCursor(genText, `then recall, warn "请勿发送广告", record ${mid % 2 ? 'harassment' : 'coupon-spam'}`, 'then recall, warn "请勿发送广告", record '.length)],
    },
  ];

  const rows: string[] = [];
  let failed = false;
  for (const c of cases) {
    process.stderr.write(`measuring ${c.name}…\n`);
    const inProc = await measureInProcess(c);
    const rpc = await measureOverRpc(c);
    const f = (x: number) => `${x.toFixed(1)} ms`;
    rows.push(`| ${c.name} | ${f(inProc.diagnostics)} | ${f(rpc.diagnostics)} | ${f(inProc.completion)} | ${f(rpc.completion)} | ${f(inProc.cold)} |`);
    for (const x of [inProc.diagnostics, rpc.diagnostics, inProc.completion, rpc.completion]) if (x >= TARGET_MS) failed = true;
  }
  rmSync(gen, { recursive: true, force: true });

  const section = [
    '## Language server',
    '',
    `\`node bin/run-ts.js bench/lsp.bench.ts\`: medians of ${RUNS} runs after 5 warm-up runs; ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}.`,
    'Diagnostics: a one-keyword edit, then the whole policy set re-checked with the edited text as the overlay (the incremental',
    'parser re-parses only the changed declaration). Over JSON-RPC: `didChange` sent to `publishDiagnostics` received, server',
    'started with no debounce (editors get a 100 ms debounce by default). Completion: after `then …, ` and after `record `.',
    `Cold: the first check of the set after opening. Target: every median under ${TARGET_MS} ms.`,
    '',
    '| policy set | diagnostics (in process) | diagnostics (JSON-RPC) | completion (in process) | completion (JSON-RPC) | cold check |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    failed ? `Some median is over the ${TARGET_MS} ms target.` : `Every median is under the ${TARGET_MS} ms target.`,
    '',
  ].join('\n');
  process.stdout.write(section + '\n');
  if (args.includes('--results')) {
    writeResults(section);
    process.stdout.write(`wrote the "## Language server" section of ${relative(process.cwd(), join(ROOT, 'bench', 'RESULTS.md'))}\n`);
  }
  return failed ? 1 : 0;
}

process.exitCode = await main();
