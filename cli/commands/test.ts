// `hush test [paths…]`: runs decision fixtures, like `opa test`. A fixture is a file named
// `*.test.yaml`, `*.test.yml` or `*.test.json` (found by walking the folders given, default the
// current one) holding a policy path and cases: events and the partial decisions expected for
// them (cli/decision-expectations.ts). Each case starts from empty state. Exit status: 0 when
// every case passes, 1 when one fails or a fixture is broken, 2 when there is no fixture.
// spec/cli.md documents the format.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { createEngine, parseTime } from '../../runtime/index.ts';
import { checkExpectation, EXPECTATION_KEYS, type Expectation } from '../decision-expectations.ts';
import { EXIT, UsageError, type CliIO } from '../io.ts';
import { ENGINES, loadPolicy, type EngineChoice, type LoadedPolicy } from '../load-policy.ts';
import { terminalText } from '../render/escape.ts';
import type { RegisterCommand } from './index.ts';

export const FIXTURE = /\.test\.(ya?ml|json)$/;

export interface TestOptions {
  format?: 'human' | 'json';
  engine?: EngineChoice;
}

export interface CaseResult {
  name: string;
  ok: boolean;
  failures: string[];
}

export interface FileResult {
  file: string;
  policy?: string;
  /** A fixture that cannot be run: unreadable, malformed, or its policy has errors. */
  error?: string;
  cases: CaseResult[];
}

/** Finds fixture files: files given by name are taken as they are; folders are walked. */
export function findFixtures(paths: string[], cwd: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 32) return;
    for (const e of readdirSync(dir).sort()) {
      if (e.startsWith('.') || e === 'node_modules') continue;
      const p = join(dir, e);
      const st = statSync(p);
      if (st.isDirectory()) walk(p, depth + 1);
      else if (FIXTURE.test(e)) out.push(p);
    }
  };
  for (const p of paths) {
    const abs = resolve(cwd, p);
    if (statSync(abs).isDirectory()) walk(abs, 0);
    else out.push(abs);
  }
  return [...new Set(out)];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Fixture {
  policy: string;
  clock?: number;
  cases: { name: string; events: unknown[]; expect: Expectation[] }[];
}

/** Reads and validates a fixture file; a string is what is wrong with it. */
function readFixture(file: string): Fixture | string {
  let data: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    return `cannot read the fixture: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
  if (!isObj(data)) return 'a fixture must be an object with `cases`';
  for (const k of Object.keys(data)) if (!['policy', 'clock', 'cases'].includes(k)) return `unknown field \`${k}\``;
  const policy = data.policy ?? '.';
  if (typeof policy !== 'string') return '`policy` must be a path';
  let clock: number | undefined;
  if (data.clock !== undefined) {
    try {
      clock = parseTime(data.clock instanceof Date ? data.clock.toISOString() : data.clock, 'clock');
    } catch {
      return '`clock` must be an ISO 8601 date-time with a time zone';
    }
  }
  if (!Array.isArray(data.cases) || data.cases.length === 0) return '`cases` must be a non-empty list';
  const cases: Fixture['cases'] = [];
  for (const [i, c] of data.cases.entries()) {
    const where = `cases[${i}]`;
    if (!isObj(c)) return `${where} must be an object`;
    for (const k of Object.keys(c)) if (!['name', 'events', 'expect'].includes(k)) return `${where}: unknown field \`${k}\``;
    if (typeof c.name !== 'string' || c.name === '') return `${where}: \`name\` must be a string`;
    if (!Array.isArray(c.events) || c.events.length === 0) return `${where}: \`events\` must be a non-empty list`;
    if (!Array.isArray(c.expect)) return `${where}: \`expect\` must be a list`;
    for (const [j, x] of c.expect.entries()) {
      if (x === null) continue;
      if (!isObj(x)) return `${where}.expect[${j}] must be an object`;
      for (const k of Object.keys(x)) {
        if (!(EXPECTATION_KEYS as readonly string[]).includes(k)) return `${where}.expect[${j}]: unknown field \`${k}\` (known: ${EXPECTATION_KEYS.join(', ')})`;
      }
      if (x.event !== undefined && (!Number.isInteger(x.event) || (x.event as number) < 1 || (x.event as number) > c.events.length)) {
        return `${where}.expect[${j}]: \`event\` must be an event number from 1 to ${c.events.length}`;
      }
    }
    // YAML reads unquoted times as strings (yaml 2, core schema), but a JSON-ish Date may slip in.
    const events = c.events.map((e) => (isObj(e) && e.at instanceof Date ? { ...e, at: e.at.toISOString() } : e));
    cases.push({ name: c.name, events, expect: c.expect.map((x) => (x ?? {}) as Expectation) });
  }
  return { policy, clock, cases };
}

/** Runs one case from empty state; expectation k applies to event `event` or the next one. */
function runCase(loaded: LoadedPolicy, c: Fixture['cases'][number], clock: number | undefined): CaseResult {
  const engine = createEngine(loaded.policy, { clock: () => clock ?? Date.now() });
  const outcomes = c.events.map((e) => engine.evaluate(e));
  const failures: string[] = [];
  let next = 1;
  for (const x of c.expect) {
    const n = typeof x.event === 'number' ? x.event : next;
    next = n + 1;
    if (n > outcomes.length) {
      failures.push(`an expectation is left over: there are only ${outcomes.length} events`);
      break;
    }
    for (const f of checkExpectation(x, outcomes[n - 1])) failures.push(`event ${n}: ${f}`);
  }
  return { name: c.name, ok: failures.length === 0, failures };
}

export async function runTests(paths: string[], opts: TestOptions, io: CliIO): Promise<{ status: number; files: FileResult[] }> {
  const given = paths.length > 0 ? paths : ['.'];
  const missing = given.filter((p) => !existsSync(resolve(io.cwd, p)));
  if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  const fixtures = findFixtures(given, io.cwd);
  if (fixtures.length === 0) throw new UsageError(`no test fixtures (*.test.yaml, *.test.yml, *.test.json) in ${given.join(', ')}`);
  const policies = new Map<string, LoadedPolicy | null>();
  const files: FileResult[] = [];
  for (const abs of fixtures) {
    const file = relative(io.cwd, abs) || abs;
    const fx = readFixture(abs);
    if (typeof fx === 'string') {
      files.push({ file, error: fx, cases: [] });
      continue;
    }
    const policyPath = resolve(dirname(abs), fx.policy);
    const policy = relative(io.cwd, policyPath) || '.';
    if (!existsSync(policyPath)) {
      files.push({ file, policy, error: `the policy ${policy} does not exist`, cases: [] });
      continue;
    }
    if (!policies.has(policyPath)) {
      try {
        policies.set(policyPath, await loadPolicy([policyPath], io, opts.engine));
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        files.push({ file, policy, error: e.message, cases: [] });
        continue;
      }
    }
    const loaded = policies.get(policyPath);
    if (!loaded) {
      files.push({ file, policy, error: `the policy ${policy} has errors`, cases: [] });
      continue;
    }
    files.push({ file, policy, cases: fx.cases.map((c) => runCase(loaded, c, fx.clock)) });
  }
  const failed = files.some((f) => f.error || f.cases.some((c) => !c.ok));
  return { status: failed ? EXIT.failed : EXIT.ok, files };
}

export function renderTestResults(files: FileResult[]): string {
  const lines: string[] = [];
  let passed = 0;
  let failed = 0;
  let broken = 0;
  for (const f of files) {
    lines.push(f.file);
    if (f.error) {
      broken++;
      lines.push(`  ERROR ${f.error}`);
      continue;
    }
    for (const c of f.cases) {
      if (c.ok) passed++;
      else failed++;
      lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}`);
      for (const x of c.failures) lines.push(`        ${x}`);
    }
  }
  const parts = [`${passed} passed`, `${failed} failed`];
  if (broken) parts.push(`${broken} broken fixture${broken === 1 ? '' : 's'}`);
  lines.push(`${parts.join(', ')} (${files.length} file${files.length === 1 ? '' : 's'})`);
  // File names, case names and failures (event ids, rule names) are one line of terminal text each.
  return lines.map(terminalText).join('\n') + '\n';
}

export const registerTest: RegisterCommand = (program, io, setStatus) => {
  program
    .command('test')
    .description('run decision fixtures (*.test.yaml, *.test.json): events and the decisions expected')
    .argument('[paths...]', 'fixture files and folders (folders are walked; default: the current folder)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['human', 'json']).default('human'))
    .addOption(new Option('--engine <engine>', 'the policy implementation (default: compiled when available)').choices(ENGINES))
    .action(async (paths: string[], opts: TestOptions) => {
      const r = await runTests(paths, opts, io);
      io.stdout(opts.format === 'json' ? JSON.stringify({ version: 1, files: r.files }, null, 2) + '\n' : renderTestResults(r.files));
      setStatus(r.status);
    });
};
