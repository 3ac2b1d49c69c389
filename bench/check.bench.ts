// The `hush check` benchmark: the largest legal policy set and the one that breaks every limit
// by one (scripts/gen-policy-set.ts), each checked by `node bin/hush.js check --format json` in
// a child process, as a user would run it. It reports wall time (median of the runs) and peak
// resident memory, verifies the diagnostics (the legal set has no error; the over set has exactly
// one error per limit and no other error) and holds the legal set to its targets: under 5 s and
// under 1 GiB.
//
//   node bin/run-ts.js bench/check.bench.ts [--runs N] [--results]
//
// `--results` also rewrites the "## hush check" section of bench/RESULTS.md. Exit status 1 when
// a verification or a target fails.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
import { DEFAULT_OUT, DEFAULT_SEED, generatePolicySet, ROOT, type Manifest, type SetKind } from '../scripts/gen-policy-set.ts';
import { writeResultsSection } from './results-file.ts';

const TARGET_MS = 5_000;
const TARGET_RSS = 1024 ** 3;
const TIME = '/usr/bin/time';

interface Run {
  ms: number;
  /** Peak resident set size in bytes. */
  rss: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

interface Report {
  diagnostics: { code: string; severity: string; message: string; file: string }[];
  summary: { errors: number; warnings: number; infos: number; hints: number; files: number };
}

/** The generated set of a kind, regenerated when missing, incomplete or from another seed. */
function ensureSet(kind: SetKind): { dir: string; manifest: Manifest } {
  const dir = join(DEFAULT_OUT, kind);
  const path = join(dir, 'manifest.json');
  if (existsSync(path)) {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    if (m.seed === DEFAULT_SEED && m.scale === 1 && m.kind === kind) return { dir, manifest: m };
  }
  process.stderr.write(`generating the ${kind} set in ${relative(ROOT, dir)}…\n`);
  return { dir, manifest: generatePolicySet({ kind, out: dir, seed: DEFAULT_SEED }) };
}

/** Peak RSS of a running process from /proc, polled; the fallback when GNU time is missing. */
function pollPeak(pid: number, peak: { kb: number }): NodeJS.Timeout {
  return setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak.kb = Math.max(peak.kb, Number(m[1]));
    } catch {
      // The process has ended.
    }
  }, 10);
}

function runOnce(dir: string): Promise<Run> {
  const useTime = existsSync(TIME);
  const scratch = mkdtempSync(join(tmpdir(), 'hush-bench-'));
  const timeOut = join(scratch, 'time.txt');
  const node = [process.execPath, join(ROOT, 'bin', 'hush.js'), 'check', '--format', 'json', dir];
  const [cmd, ...args] = useTime ? [TIME, '-v', '-o', timeOut, ...node] : node;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const peak = { kb: 0 };
    const timer = useTime ? undefined : pollPeak(child.pid!, peak);
    child.on('error', reject);
    child.on('close', (status) => {
      const ms = performance.now() - t0;
      if (timer) clearInterval(timer);
      if (useTime) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeOut, 'utf8'));
        peak.kb = m ? Number(m[1]) : 0;
      }
      rmSync(scratch, { recursive: true, force: true });
      resolve({ ms, rss: peak.kb * 1024, status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const mib = (bytes: number) => `${Math.round(bytes / 1024 ** 2)} MiB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface Row {
  kind: SetKind;
  manifest: Manifest;
  report: Report;
  ms: number;
  rss: number;
  runs: number[];
  failures: string[];
  limitErrors: string[];
}

/** What the diagnostics must be: none for the legal set, one per broken limit for the over set. */
function verify(kind: SetKind, manifest: Manifest, report: Report, status: number | null): { failures: string[]; limitErrors: string[] } {
  const failures: string[] = [];
  const errors = report.diagnostics.filter((d) => d.severity === 'error');
  const limitErrors = errors.filter((d) => d.code.startsWith('hush/limit/')).map((d) => d.code).sort();
  if (report.summary.files !== manifest.policyFiles.length) failures.push(`${kind}: checked ${report.summary.files} files, expected ${manifest.policyFiles.length}`);
  if (kind === 'legal') {
    if (status !== 0) failures.push(`legal: exit status ${status}, expected 0`);
    for (const d of errors.slice(0, 5)) failures.push(`legal: unexpected error ${d.code} ${d.file}: ${d.message}`);
  } else {
    if (status !== 1) failures.push(`over: exit status ${status}, expected 1`);
    const want = [...manifest.expectLimitErrors].sort();
    if (JSON.stringify(limitErrors) !== JSON.stringify(want)) {
      failures.push(`over: limit errors ${limitErrors.join(', ') || '(none)'}; expected exactly one each of ${want.join(', ')}`);
    }
    for (const d of errors.filter((e) => !e.code.startsWith('hush/limit/')).slice(0, 5)) failures.push(`over: unexpected error ${d.code} ${d.file}: ${d.message}`);
  }
  return { failures, limitErrors };
}

function machine(): string {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /Model name:\s*(.+)/.exec(execFileSync('lscpu', { encoding: 'utf8' }));
    if (m) model = m[1].trim();
  } catch {
    // No lscpu: keep Node's name for the CPU.
  }
  return `${availableParallelism()} cores (nproc), ${model}, Node ${process.version}; load average ${loadavg()[0].toFixed(2)} when the run ended`;
}

function table(rows: Row[]): string {
  const lines = [
    '| set | policy files | list files | rules | errors | warnings | infos | time (median) | peak RSS |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    const s = r.report.summary;
    lines.push(
      `| ${r.kind} | ${r.manifest.policyFiles.length} | ${Object.keys(r.manifest.listFiles).length} | ${r.manifest.rules.toLocaleString('en')} | ${s.errors} | ${s.warnings} | ${s.infos} | ${secs(r.ms)} | ${mib(r.rss)} |`,
    );
  }
  return lines.join('\n');
}

function writeResults(section: string): void {
  writeResultsSection(ROOT, '## hush check', section);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 3;
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write('check.bench: --runs needs a positive integer\n');
    return 2;
  }
  const rows: Row[] = [];
  for (const kind of ['legal', 'over'] as const) {
    const { dir, manifest } = ensureSet(kind);
    const results: Run[] = [];
    for (let i = 0; i < runs; i++) results.push(await runOnce(dir));
    const last = results[results.length - 1];
    let report: Report;
    try {
      report = JSON.parse(last.stdout) as Report;
    } catch {
      process.stderr.write(`check.bench: \`hush check\` on the ${kind} set printed no JSON report (exit ${last.status})\n${last.stderr.slice(0, 2000)}\n`);
      return 1;
    }
    const { failures, limitErrors } = verify(kind, manifest, report, last.status);
    const ms = median(results.map((r) => r.ms));
    const rss = Math.max(...results.map((r) => r.rss));
    if (kind === 'legal') {
      if (ms >= TARGET_MS) failures.push(`legal: ${secs(ms)} is over the ${secs(TARGET_MS)} target`);
      if (rss >= TARGET_RSS) failures.push(`legal: ${mib(rss)} is over the 1 GiB target`);
    }
    rows.push({ kind, manifest, report, ms, rss, runs: results.map((r) => r.ms), failures, limitErrors });
  }

  const failures = rows.flatMap((r) => r.failures);
  const over = rows.find((r) => r.kind === 'over')!;
  const legal = rows.find((r) => r.kind === 'legal')!;
  const out = [
    table(rows),
    '',
    `Each set checked ${runs} times; time is wall-clock from spawn to exit (median), peak RSS the largest maximum resident set size over the runs (${existsSync(TIME) ? 'GNU time' : '/proc VmHWM'}).`,
    `Targets for the legal set: under ${secs(TARGET_MS)} (${secs(legal.ms)}) and under 1 GiB (${mib(legal.rss)}).`,
    `Limit errors of the over set: ${over.limitErrors.map((c) => `\`${c}\``).join(', ') || 'none'}.`,
    '',
  ].join('\n');
  process.stdout.write(out);
  for (const f of failures) process.stdout.write(`FAIL ${f}\n`);
  if (failures.length === 0) process.stdout.write('ok: the legal set is clean and within target, the over set breaks each limit exactly once\n');

  if (argv.includes('--results')) {
    const section = [
      '## hush check',
      '',
      'Command: `node bin/run-ts.js bench/check.bench.ts --results` (also run by `npm run bench`). It generates',
      '`bench/data/{legal,over}` with `scripts/gen-policy-set.ts` (seed 1) when missing, then runs',
      '`node bin/hush.js check --format json bench/data/<set>` as a child process.',
      '',
      `Machine: ${machine()}.`,
      '',
      '- legal: 1,000 rules by super admins (exactly their quota) of 100 keywords, 1,000 whitelisted links,',
      '  1,000 whitelisted mini-programs and 20,000 groups each; a 2,000,000-entry enterprise blacklist,',
      '  three 50,000-entry personal blacklists and 10,000 exempt customers. Its 1,000 infos are the batch',
      '  plans (20,000 groups need 10 operations of 2,000).',
      '- over: every limit broken by exactly one (101 keywords, 1,001 links, 1,001 mini-programs, 20,001',
      '  groups, 50,001 personal, 2,000,001 enterprise, 1,001 rules in each creator quota).',
      '',
      out,
      failures.length ? failures.map((f) => `FAIL ${f}`).join('\n') + '\n' : '',
    ].join('\n');
    writeResults(section);
    process.stdout.write('wrote the "## hush check" section of bench/RESULTS.md\n');
  }
  return failures.length ? 1 : 0;
}

process.exitCode = await main();
