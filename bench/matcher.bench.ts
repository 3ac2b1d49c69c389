// The keyword matcher benchmark: our matcher against the npm Aho-Corasick libraries, a V8 RegExp
// alternation, a naive indexOf loop and a floor that only reads every character, side by side in
// one run, on the naughty-words keyword lists over real Chinese (chinese-poetry) and English
// (SpamAssassin) text cut into chat-sized messages.
//
//   node --expose-gc bin/run-ts.js bench/matcher.bench.ts
//
// Every implementation's hits are first compared with the naive oracle on a sample of messages;
// disagreements are counted and shown, never hidden. Times are CPU time (user + system) of
// scanning every message of a workload, medians of several interleaved rounds. At 100,000
// keywords each npm library runs in a child process of its own (two at a time): their builds
// take up to a minute and leave large object graphs behind, which would disturb the rest.
// Results go to stdout and to bench/RESULTS.md, section "## Keyword matcher".
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildMatcher, createMatcher, normalizeText, type Matcher, type NormalizeStep } from '../runtime/matcher/index.ts';
import { loadCorpus, naughtyWords, sample, withFillers } from './matcher-data.ts';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const gc = (globalThis as { gc?: () => void }).gc;

// ---------------------------------------------------------------------------------------------
// Implementations. Each builds from a keyword list and scans one message at a time; `count`
// reports every hit through the library's own hit-reporting call, `keys` gives the hits of one
// message as `keyword index:start:end` (or `word:text` for a library without positions).

interface Impl {
  name: string;
  build(keywords: string[]): unknown;
  count(handle: unknown, text: string): number;
  keys(handle: unknown, text: string, index: Map<string, number>): string[];
}

const DEFAULT_STEPS: NormalizeStep[] = ['case', 'width', 'symbols'];

let hitCount = 0;
const countHit = () => {
  hitCount++;
};

function ours(name: string, steps: NormalizeStep[]): Impl {
  return {
    name,
    build: (keywords) => createMatcher(buildMatcher(keywords, { normalize: steps })),
    count: (m, text) => {
      hitCount = 0;
      (m as Matcher).scan(text, countHit);
      return hitCount;
    },
    keys: (m, text) => (m as Matcher).findAll(text).map((h) => `${h.pattern}:${h.start}:${h.end}`),
  };
}

const OURS = ours('**ours**', []);
const OURS_NORMALIZED = ours('ours, case+width+symbols', DEFAULT_STEPS);

const FLOOR: Impl = {
  name: 'floor (charCodeAt sum)',
  build: () => null,
  count: (_, text) => {
    let sum = 0;
    for (let i = 0; i < text.length; i++) sum += text.charCodeAt(i);
    return sum & 1;
  },
  keys: () => [],
};

const NAIVE: Impl = {
  name: 'naive indexOf loop',
  build: (keywords) => keywords,
  count: (keywords, text) => {
    let n = 0;
    for (const k of keywords as string[]) for (let i = text.indexOf(k); i !== -1; i = text.indexOf(k, i + 1)) n++;
    return n;
  },
  keys: (keywords, text) => {
    const out: string[] = [];
    (keywords as string[]).forEach((k, p) => {
      for (let i = text.indexOf(k); i !== -1; i = text.indexOf(k, i + 1)) out.push(`${p}:${i}:${i + k.length}`);
    });
    return out;
  },
};

const REGEXP: Impl = {
  name: 'V8 RegExp alternation',
  build: (keywords) => {
    const re = new RegExp(keywords.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
    re.test('');
    return re;
  },
  count: (re, text) => {
    const r = re as RegExp;
    r.lastIndex = 0;
    let n = 0;
    while (r.exec(text) !== null) n++;
    return n;
  },
  keys: (re, text, index) => {
    const out: string[] = [];
    for (const m of text.matchAll(re as RegExp)) out.push(`${index.get(m[0])}:${m.index}:${m.index + m[0].length}`);
    return out;
  },
};

interface ModernMatch {
  patternIndex: number;
  start: number;
  end: number;
}
type ModernAC = new (patterns: string[]) => { search(text: string): ModernMatch[] };
type MonyAC = new (keywords: string[]) => { matchInText(text: string): { begin: number; end: number; keyword: string }[] };

function modern(name: string, module: string): Impl {
  return {
    name,
    build: (keywords) => {
      // The CommonJS build exports the class itself.
      const mod = require(module) as ModernAC | { default: ModernAC };
      const AC = typeof mod === 'function' ? mod : mod.default;
      return new AC(keywords);
    },
    count: (ac, text) => (ac as InstanceType<ModernAC>).search(text).length,
    keys: (ac, text) => (ac as InstanceType<ModernAC>).search(text).map((m) => `${m.patternIndex}:${m.start}:${m.end}`),
  };
}

function monyone(name: string, module: string): Impl {
  return {
    name,
    build: (keywords) => {
      const AC = (require(module) as { AhoCorasick: MonyAC }).AhoCorasick;
      return new AC(keywords);
    },
    count: (ac, text) => (ac as InstanceType<MonyAC>).matchInText(text).length,
    keys: (ac, text, index) => (ac as InstanceType<MonyAC>).matchInText(text).map((m) => `${index.get(m.keyword)}:${m.begin}:${m.end}`),
  };
}

type OldAC = new (keywords: string[]) => { search(text: string): [number, string[]][] };
const AHOCORASICK: Impl = {
  name: 'ahocorasick',
  build: (keywords) => new (require('ahocorasick') as OldAC)(keywords),
  count: (ac, text) => {
    let n = 0;
    for (const r of (ac as InstanceType<OldAC>).search(text)) n += r[1].length;
    return n;
  },
  keys: (ac, text, index) => {
    const out: string[] = [];
    for (const [last, words] of (ac as InstanceType<OldAC>).search(text)) {
      for (const w of words) out.push(`${index.get(w)}:${last + 1 - w.length}:${last + 1}`);
    }
    return out;
  },
};

type Mint = new (keys: string[]) => { filter(text: string, options: { replace: boolean }): { words: string[] } };
const MINT: Impl = {
  name: 'mint-filter',
  build: (keywords) => new (require('mint-filter') as { Mint: Mint }).Mint(keywords),
  count: (m, text) => (m as InstanceType<Mint>).filter(text, { replace: false }).words.length,
  // mint-filter reports the words it found, not where: compared as a multiset of words.
  keys: (m, text) => (m as InstanceType<Mint>).filter(text, { replace: false }).words.map((w) => `word:${w}`),
};

const NPM: Impl[] = [
  modern('modern-ahocorasick', 'modern-ahocorasick'),
  modern('modern-ahocorasick/fast', 'modern-ahocorasick/fast'),
  monyone('@monyone/aho-corasick', '@monyone/aho-corasick'),
  monyone('@monyone/aho-corasick/fast', '@monyone/aho-corasick/fast'),
  AHOCORASICK,
  MINT,
];

// ---------------------------------------------------------------------------------------------
// Measuring.

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function runAll(impl: Impl, handle: unknown, messages: readonly string[]): number {
  let total = 0;
  for (let i = 0; i < messages.length; i++) total += impl.count(handle, messages[i]);
  return total;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function heapBytes(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

interface Disagreement {
  missing: number;
  extra: number;
  messages: number;
  example: string;
}

/** Compares hit multisets per message with the oracle's. */
function compare(oracle: string[][], got: string[][], messages: readonly string[], keywords: readonly string[], positionless: boolean): Disagreement {
  const d: Disagreement = { missing: 0, extra: 0, messages: 0, example: '' };
  const describe = (key: string) => {
    if (key.startsWith('word:')) return JSON.stringify(key.slice(5));
    const [p, s, e] = key.split(':');
    return `${JSON.stringify(keywords[Number(p)])}@${s}-${e}`;
  };
  for (let m = 0; m < oracle.length; m++) {
    const want = new Map<string, number>();
    for (const k of oracle[m]) {
      const key = positionless ? `word:${keywords[Number(k.split(':')[0])]}` : k;
      want.set(key, (want.get(key) ?? 0) + 1);
    }
    let missing = 0;
    let extra = 0;
    let firstExtra = '';
    for (const k of got[m]) {
      const c = want.get(k) ?? 0;
      if (c > 0) want.set(k, c - 1);
      else {
        extra++;
        firstExtra ||= k;
      }
    }
    let firstMissing = '';
    for (const [k, c] of want) {
      if (c > 0) {
        missing += c;
        firstMissing ||= k;
      }
    }
    if (missing || extra) {
      d.messages++;
      d.missing += missing;
      d.extra += extra;
      if (!d.example) {
        const parts = [];
        if (firstMissing) parts.push(`misses ${describe(firstMissing)}`);
        if (firstExtra) parts.push(`extra ${describe(firstExtra)}`);
        d.example = `${parts.join(', ')} in ${JSON.stringify(messages[m].slice(0, 40))}${messages[m].length > 40 ? '…' : ''}`;
      }
    }
  }
  return d;
}

/** The hits of the naive oracle on normalised text (reference normaliser), as spans in the original. */
function normalizedOracle(norms: readonly string[], steps: NormalizeStep[], text: string): string[] {
  const n = normalizeText(text, steps);
  const out: string[] = [];
  norms.forEach((norm, p) => {
    if (!norm) return;
    const seen = new Set<string>();
    for (let i = n.text.indexOf(norm); i !== -1; i = n.text.indexOf(norm, i + 1)) {
      const key = `${p}:${n.starts[i]}:${n.ends[i + norm.length - 1]}`;
      if (!seen.has(key)) out.push(key);
      seen.add(key);
    }
  });
  return out;
}

interface Row {
  workload: string;
  impl: string;
  /** Median CPU ms over the workload's timing messages, and the floor's on the same messages. */
  ms: number;
  floorMs: number;
  hits: number;
  buildMs: number;
  retained?: number;
  disagreement: Disagreement;
  messages: number;
  note?: string;
}

// ---------------------------------------------------------------------------------------------
// Child mode: one npm library on one 100,000-keyword workload.

interface ChildInput {
  impl: string;
  keywords: string[];
  messages: string[];
  verify: number;
  rounds: number;
}

interface ChildOutput {
  buildMs: number;
  retained: number;
  ms: number;
  floorMs: number;
  hits: number;
  keys: string[][];
}

async function child(file: string): Promise<void> {
  const input = JSON.parse(readFileSync(file, 'utf8')) as ChildInput;
  const impl = NPM.find((i) => i.name === input.impl)!;
  const index = new Map(input.keywords.map((k, i) => [k, i]));
  const before = heapBytes();
  const t0 = performance.now();
  const handle = impl.build(input.keywords);
  const buildMs = performance.now() - t0;
  const retained = heapBytes() - before;
  const keys = input.messages.slice(0, input.verify).map((m) => impl.keys(handle, m, index));
  runAll(impl, handle, input.messages);
  runAll(FLOOR, null, input.messages);
  const ms: number[] = [];
  const floor: number[] = [];
  let hits = 0;
  for (let r = 0; r < input.rounds; r++) {
    let t = cpuMs();
    hits = runAll(impl, handle, input.messages);
    ms.push(cpuMs() - t);
    t = cpuMs();
    runAll(FLOOR, null, input.messages);
    floor.push(cpuMs() - t);
  }
  const out: ChildOutput = { buildMs, retained, ms: median(ms), floorMs: median(floor), hits, keys };
  process.stdout.write(JSON.stringify(out));
}

function runChild(input: ChildInput, dir: string): Promise<ChildOutput> {
  const file = join(dir, `${input.impl.replace(/[^a-z0-9]+/gi, '-')}-${input.keywords.length}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(input));
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=8192', join(here, '..', 'bin', 'run-ts.js'), fileURLToPath(import.meta.url), '--child', file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildOutput) : reject(new Error(`${input.impl} exited with ${code}`))));
  });
}

async function pool<T>(tasks: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

// ---------------------------------------------------------------------------------------------
// The run.

interface Workload {
  name: string;
  lang: 'zh' | 'en';
  keywords: string[];
  /** Messages every implementation is timed on. */
  messages: string[];
  /** How many of them are checked against the oracle. */
  verify: number;
  rounds: number;
  big: boolean;
}

async function main(): Promise<void> {
  const started = performance.now();
  const log = (s: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)}s] ${s}\n`);
  log('loading text');
  // `--quick` (for trying the script out): fewer messages and rounds, no child processes.
  const quick = process.argv.includes('--quick');
  const corpus = loadCorpus(quick ? 2000 : undefined);
  const zhAll = naughtyWords('zh');
  const enAll = naughtyWords('en');
  const workloads: Workload[] = [
    { name: 'Chinese, 100 keywords (seeded sample)', lang: 'zh', keywords: sample(zhAll, 100, 1), messages: corpus.zhMessages, verify: 5_000, rounds: 9, big: false },
    { name: 'English, 100 keywords (seeded sample)', lang: 'en', keywords: sample(enAll, 100, 1), messages: corpus.enMessages, verify: 5_000, rounds: 9, big: false },
    { name: 'Chinese, first 100 keywords of the list', lang: 'zh', keywords: [...new Set(zhAll)].slice(0, 100), messages: corpus.zhMessages, verify: 5_000, rounds: 9, big: false },
    { name: 'English, first 100 keywords of the list', lang: 'en', keywords: [...new Set(enAll)].slice(0, 100), messages: corpus.enMessages, verify: 5_000, rounds: 9, big: false },
    { name: 'Chinese, 100,000 keywords', lang: 'zh', keywords: withFillers(zhAll, 100_000, corpus.zhText, 2), messages: corpus.zhMessages.slice(0, 2000), verify: 200, rounds: 5, big: true },
    { name: 'English, 100,000 keywords', lang: 'en', keywords: withFillers(enAll, 100_000, corpus.enText, 3), messages: corpus.enMessages.slice(0, 2000), verify: 200, rounds: 5, big: true },
  ];
  if (quick) for (const w of workloads) w.rounds = 3;
  const rows: Row[] = [];

  for (const w of workloads) {
    log(`${w.name}: building`);
    const index = new Map(w.keywords.map((k, i) => [k, i]));
    const verifyMessages = w.messages.slice(0, w.verify);
    const oracle = verifyMessages.map((m) => NAIVE.keys(w.keywords, m, index));
    const norms = w.keywords.map((k) => normalizeText(k, DEFAULT_STEPS).text);
    const normOracle = verifyMessages.map((m) => normalizedOracle(norms, DEFAULT_STEPS, m));
    const impls = [FLOOR, OURS, OURS_NORMALIZED, REGEXP, NAIVE, ...(w.big ? [] : NPM)];
    const built = new Map<Impl, { handle: unknown; buildMs: number; retained?: number }>();
    for (const impl of impls) {
      const before = w.big ? heapBytes() : 0;
      const t0 = performance.now();
      const handle = impl.build(w.keywords);
      const buildMs = performance.now() - t0;
      built.set(impl, { handle, buildMs, retained: w.big ? heapBytes() - before : undefined });
    }
    if (w.big) {
      // Builds of ours after the first (tables warm, code optimised): the median of three.
      const times = [built.get(OURS)!.buildMs];
      for (let i = 0; i < 2; i++) {
        const t0 = performance.now();
        buildMatcher(w.keywords);
        times.push(performance.now() - t0);
      }
      built.get(OURS)!.buildMs = median(times);
    }
    log(`${w.name}: checking hits`);
    const disagreements = new Map<Impl, Disagreement>();
    for (const impl of impls) {
      if (impl === FLOOR) continue;
      const h = built.get(impl)!.handle;
      const got = verifyMessages.map((m) => impl.keys(h, m, index));
      const want = impl === OURS_NORMALIZED ? normOracle : oracle;
      disagreements.set(impl, compare(want, got, verifyMessages, w.keywords, impl === MINT));
    }
    log(`${w.name}: timing`);
    // Implementations slower than 25 times the floor (on a first pass) are timed on the first
    // messages only (2,000, or 100 at 100,000 keywords), three rounds, with the floor on the same
    // messages: enough for their ratio, and the run stays within a few minutes.
    const slowMessages = w.messages.slice(0, w.big ? 100 : 2000);
    const firstPass = new Map<Impl, number>();
    for (const impl of [OURS, OURS_NORMALIZED, FLOOR]) runAll(impl, built.get(impl)!.handle, w.messages);
    for (const impl of impls) {
      const msgs = w.big && (impl === NAIVE || impl === REGEXP) ? slowMessages : w.messages;
      const t = cpuMs();
      runAll(impl, built.get(impl)!.handle, msgs);
      firstPass.set(impl, ((cpuMs() - t) * w.messages.length) / msgs.length);
    }
    // Ours is always timed on every message.
    const slowSet = new Set(impls.filter((i) => i !== FLOOR && i !== OURS && i !== OURS_NORMALIZED && firstPass.get(i)! > 25 * firstPass.get(FLOOR)!));
    const slow = (impl: Impl) => slowSet.has(impl);
    const times = new Map<Impl, number[]>(impls.map((i) => [i, []]));
    const floorSlow: number[] = [];
    const hits = new Map<Impl, number>();
    for (let r = 0; r < w.rounds; r++) {
      for (const impl of impls) {
        if (slow(impl) && r >= 3) continue;
        const msgs = slow(impl) ? slowMessages : w.messages;
        const t = cpuMs();
        hits.set(impl, runAll(impl, built.get(impl)!.handle, msgs));
        times.get(impl)!.push(cpuMs() - t);
      }
      if (r < 3 && slowSet.size) {
        const t = cpuMs();
        runAll(FLOOR, null, slowMessages);
        floorSlow.push(cpuMs() - t);
      }
    }
    const floorMs = median(times.get(FLOOR)!);
    for (const impl of impls) {
      rows.push({
        workload: w.name,
        impl: impl.name,
        ms: median(times.get(impl)!),
        floorMs: slow(impl) ? median(floorSlow) : floorMs,
        hits: impl === FLOOR ? 0 : hits.get(impl)!,
        buildMs: built.get(impl)!.buildMs,
        retained: built.get(impl)!.retained,
        disagreement: disagreements.get(impl) ?? { missing: 0, extra: 0, messages: 0, example: '' },
        messages: slow(impl) ? slowMessages.length : w.messages.length,
        note: impl === OURS_NORMALIZED ? 'checked against the oracle on normalised text' : undefined,
      });
    }
    built.clear();
  }

  // The npm libraries at 100,000 keywords, each in a child process, two at a time, longest first.
  const dir = mkdtempSync(join(tmpdir(), 'hush-bench-'));
  try {
    const big = quick ? [] : workloads.filter((w) => w.big);
    const order = ['@monyone/aho-corasick/fast', 'modern-ahocorasick/fast', 'ahocorasick', '@monyone/aho-corasick', 'modern-ahocorasick', 'mint-filter'];
    const tasks = order.flatMap((name) =>
      big.map((w) => async () => {
        log(`${w.name}: ${name} in a child process`);
        const out = await runChild({ impl: name, keywords: w.keywords, messages: w.messages.slice(0, 1000), verify: w.verify, rounds: 3 }, dir);
        return { w, name, out };
      }),
    );
    for (const { w, name, out } of await pool(tasks, Math.min(2, cpus().length))) {
      const verifyMessages = w.messages.slice(0, w.verify);
      const index = new Map(w.keywords.map((k, i) => [k, i]));
      const oracle = verifyMessages.map((m) => NAIVE.keys(w.keywords, m, index));
      rows.push({
        workload: w.name,
        impl: name,
        ms: out.ms,
        floorMs: out.floorMs,
        hits: out.hits,
        buildMs: out.buildMs,
        retained: out.retained,
        disagreement: compare(oracle, out.keys, verifyMessages, w.keywords, name === 'mint-filter'),
        messages: 1000,
        note: 'own process',
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  log('done');
  report(workloads, rows, (performance.now() - started) / 1000, !quick);
}

// ---------------------------------------------------------------------------------------------
// The report.

function fmt(x: number, digits = 2): string {
  return x.toFixed(digits);
}

function report(workloads: Workload[], rows: Row[], seconds: number, write: boolean): void {
  const lines: string[] = [];
  const model = cpus()[0]?.model ?? 'unknown';
  lines.push('## Keyword matcher', '');
  lines.push('Command: `node --expose-gc bin/run-ts.js bench/matcher.bench.ts`', '');
  lines.push(`Machine: ${cpus().length} cores (\`nproc\`), ${model}, Node ${process.version}; the run took ${fmt(seconds, 0)} s.`, '');
  lines.push(
    'All hits of every keyword (overlapping and nested ones included), reported with their spans. Keywords: the naughty-words `zh` and `en` lists ' +
      '(a seeded sample of 100, the first 100 of the list, and the list plus seeded fillers up to 100,000); text: song lyrics from chinese-poetry and ' +
      'SpamAssassin message bodies, cut into 20,000 messages of 20 to 200 UTF-16 units (2,000 at 100,000 keywords; 1,000 for the npm libraries there). ' +
      'Hits are checked against the naive oracle on the first 5,000 messages (200 at 100,000 keywords). Times are CPU time for scanning ' +
      'every message, median of interleaved rounds; "x floor" divides by the floor measured on the same messages in the same process. ' +
      '"ours" matches raw text (like the others); "ours, case+width+symbols" adds the default normalisation and is checked against an oracle ' +
      'that normalises with the reference normaliser. At 100,000 keywords, each npm library runs in a process of its own, and the naive loop and ' +
      'the RegExp on the first 100; an implementation slower than 25 times the floor is timed on fewer messages (shown), with the floor on the same ones.',
    '',
  );
  for (const w of workloads) {
    const rs = rows.filter((r) => r.workload === w.name);
    const floor = rs.find((r) => r.impl === FLOOR.name)!;
    const ourRow = rs.find((r) => r.impl === OURS.name)!;
    const regex = rs.find((r) => r.impl === REGEXP.name)!;
    const npm = rs.filter((r) => NPM.some((i) => i.name === r.impl));
    const fastest = npm.length ? npm.reduce((a, b) => (b.ms / b.floorMs < a.ms / a.floorMs ? b : a)) : ourRow;
    const ratio = (r: Row) => r.ms / r.floorMs;
    lines.push(`### ${w.name}`, '');
    lines.push(`${w.keywords.length.toLocaleString('en')} keywords, ${w.messages.length.toLocaleString('en')} messages, ${floor.ms > 0 ? fmt(floor.ms) : '?'} ms for the floor.`, '');
    lines.push('| implementation | ms | x floor | ours is faster by | hits | build ms' + (w.big ? ' | retained MB' : '') + ' | disagreements with the oracle |');
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: |' + (w.big ? ' ---: |' : '') + ' --- |');
    for (const r of [...rs].sort((a, b) => ratio(a) - ratio(b))) {
      const d = r.disagreement;
      const dis = r.impl === FLOOR.name ? '' : d.messages === 0 ? 'none' : `${d.messages} messages: ${d.missing} missing, ${d.extra} extra; e.g. ${d.example.replace(/\|/g, '\\|')}`;
      const faster = r.impl === FLOOR.name || r.impl === OURS.name ? '' : `${fmt(ratio(r) / ratio(ourRow))}x`;
      const ms = r.messages === w.messages.length ? fmt(r.ms) : `${fmt(r.ms)} (${r.messages} msgs)`;
      lines.push(
        `| ${r.impl}${r.note ? ` (${r.note})` : ''} | ${ms} | ${fmt(ratio(r))} | ${faster} | ${r.impl === FLOOR.name ? '' : r.hits.toLocaleString('en')} | ${r.impl === FLOOR.name ? '' : fmt(r.buildMs, r.buildMs < 10 ? 1 : 0)}` +
          (w.big ? ` | ${r.retained === undefined ? '' : fmt(r.retained / 1e6, 1)}` : '') +
          ` | ${dis} |`,
      );
    }
    lines.push('');
    const checks: string[] = [];
    const big = w.big;
    if (!big) {
      const floorTarget = 1.5;
      const regexTarget = w.lang === 'zh' ? 3 : 1.2;
      checks.push(`ours ${fmt(ratio(ourRow))}x the floor (target within ${floorTarget}x): ${ratio(ourRow) <= floorTarget ? 'met' : 'MISSED'}`);
      checks.push(`${fmt(ratio(regex) / ratio(ourRow))}x the RegExp (target ${regexTarget}x): ${ratio(regex) / ratio(ourRow) >= regexTarget ? 'met' : 'MISSED'}`);
      if (w.lang === 'zh') checks.push(`${fmt(ratio(fastest) / ratio(ourRow))}x the fastest npm Aho-Corasick, ${fastest.impl} (target 8x): ${ratio(fastest) / ratio(ourRow) >= 8 ? 'met' : 'MISSED'}`);
      else checks.push(`${fmt(ratio(fastest) / ratio(ourRow))}x the fastest npm Aho-Corasick, ${fastest.impl} (no target)`);
    } else {
      checks.push(`${fmt(ratio(fastest) / ratio(ourRow))}x the fastest npm Aho-Corasick, ${fastest.impl} (target 10x): ${ratio(fastest) / ratio(ourRow) >= 10 ? 'met' : 'MISSED'}`);
      checks.push(`build ${fmt(ourRow.buildMs, 0)} ms (target under 1,000): ${ourRow.buildMs < 1000 ? 'met' : 'MISSED'}`);
      checks.push(`retained ${fmt((ourRow.retained ?? 0) / 1e6, 1)} MB (target under 20): ${(ourRow.retained ?? 0) < 20e6 ? 'met' : 'MISSED'}`);
    }
    lines.push(`Targets: ${checks.join('; ')}.`, '');
  }
  const section = lines.join('\n');
  process.stdout.write(section + '\n');
  if (!write) return;
  const file = join(here, 'RESULTS.md');
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const start = text.indexOf('\n## Keyword matcher');
  if (start !== -1) {
    const next = text.indexOf('\n## ', start + 1);
    text = text.slice(0, start + 1) + section + (next === -1 ? '\n' : '\n' + text.slice(next + 1));
  } else {
    text = text.replace(/\n*$/, '\n\n') + section + '\n';
  }
  writeFileSync(file, text);
}

if (process.argv[2] === '--child') await child(process.argv[3]);
else await main();
