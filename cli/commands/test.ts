// `hush test [paths…]`: runs decision fixtures, like `opa test`. A fixture is a file named
// `*.test.yaml`, `*.test.yml` or `*.test.json` (found by walking the folders given, default the
// current one) holding a policy path and cases: events and the partial decisions expected for
// them (cli/decision-expectations.ts), read with the place of every part (cli/test-fixture.ts).
// Each case starts from empty state. A malformed case is reported as broken at its place and the
// other cases of its fixture still run; a failure names the expectation's place and what the
// decision was. `--coverage` reports the rules, triggers and ladder steps no case exercised
// (cli/test-coverage.ts). The formats are render/test-*.ts. Exit status: 0 when every case
// passes, 1 when one fails or is broken or a fixture is broken, 2 when there is no fixture.
// spec/cli.md documents the format.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Option } from 'commander';
import { createEngine, type Decision, type EventError } from '../../runtime/index.ts';
import { checkExpectation, decisionText, firedOf } from '../decision-expectations.ts';
import { EXIT, UsageError, type CliIO } from '../io.ts';
import { ENGINES, loadPolicy, type EngineChoice, type LoadedPolicy } from '../load-policy.ts';
import { renderTestGithub } from '../render/test-github.ts';
import { renderTestHuman } from '../render/test-human.ts';
import { renderTestJson } from '../render/test-json.ts';
import { renderTestJunit } from '../render/test-junit.ts';
import { CoverageTally, coverageOf } from '../test-coverage.ts';
import { readFixture, type FixtureCase } from '../test-fixture.ts';
import type { CaseResult, ExpectationFailure, FileResult, TestReport } from '../test-results.ts';
import type { RegisterCommand } from './index.ts';

export const FIXTURE = /\.test\.(ya?ml|json)$/;

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

export const TEST_FORMATS = ['human', 'json', 'github', 'junit'] as const;
export type TestFormat = (typeof TEST_FORMATS)[number];

export interface TestOptions {
  format?: TestFormat;
  engine?: EngineChoice;
  coverage?: boolean;
}

/** Runs one case from empty state; every outcome goes to `seen` (coverage). */
function runCase(loaded: LoadedPolicy, c: FixtureCase, clock: number | undefined, seen?: CoverageTally): CaseResult {
  const result: CaseResult = { name: c.name, line: c.line, column: c.column, status: 'passed', failures: [], problems: [] };
  if (c.problems.length > 0) return { ...result, status: 'broken', problems: c.problems };
  const engine = createEngine(loaded.policy, { clock: () => clock ?? Date.now() });
  const outcomes: (Decision | EventError)[] = [];
  for (const [i, e] of c.events.entries()) {
    try {
      outcomes.push(engine.evaluate(e.value));
    } catch (err) {
      // Not the fixture's fault: Hush's own failure, reported on this case without hiding the others.
      const message = `hush could not decide event ${i + 1}: ${err instanceof Error ? err.message : String(err)}`;
      return { ...result, status: 'broken', problems: [{ line: e.line, column: e.column, message }] };
    }
    seen?.record(outcomes[i]);
  }
  const fail = (at: { line: number; column: number }, event: number, differences: string[]) => {
    const got = outcomes[event - 1];
    const f: ExpectationFailure = { line: at.line, column: at.column, event, differences, got: decisionText(got), fired: firedOf(got), decision: got };
    result.failures.push(f);
  };
  const checked = new Set<number>();
  for (const x of c.expect) {
    checked.add(x.event);
    const differences = checkExpectation(x.expect, outcomes[x.event - 1]);
    if (differences.length > 0) fail(x, x.event, differences);
  }
  // An event nobody checks must still be an event: a rejected one is a mistake in the fixture.
  for (const [i, got] of outcomes.entries()) {
    if (!checked.has(i + 1) && 'error' in got) fail(c.events[i], i + 1, ['the event was rejected, and no expectation says it should be (`error: CODE`)']);
  }
  result.failures.sort((a, b) => a.line - b.line || a.column - b.column);
  if (result.failures.length > 0) result.status = 'failed';
  return result;
}

export async function runTests(paths: string[], opts: TestOptions, io: CliIO): Promise<{ status: number } & TestReport> {
  const given = paths.length > 0 ? paths : ['.'];
  const missing = given.filter((p) => !existsSync(resolve(io.cwd, p)));
  if (missing.length > 0) throw new UsageError(`no such file or folder: ${missing.join(', ')}`);
  const fixtures = findFixtures(given, io.cwd);
  if (fixtures.length === 0) throw new UsageError(`no test fixtures (*.test.yaml, *.test.yml, *.test.json) in ${given.join(', ')}`);
  const policies = new Map<string, { loaded: LoadedPolicy | null; tally?: CoverageTally; error?: string }>();
  const files: FileResult[] = [];
  for (const abs of fixtures) {
    const file = relative(io.cwd, abs) || abs;
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (e) {
      files.push({ file, error: { line: 1, column: 1, message: `cannot read the fixture: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` }, cases: [] });
      continue;
    }
    const fx = readFixture(text);
    if ('message' in fx) {
      files.push({ file, error: fx, cases: [] });
      continue;
    }
    const policyPath = resolve(dirname(abs), fx.policy);
    const policy = relative(io.cwd, policyPath) || '.';
    // Without its policy no case runs, but the malformed ones are still reported as such.
    const broken = (message: string) =>
      files.push({ file, policy, error: { ...fx.policyAt, message }, cases: fx.cases.filter((c) => c.problems.length > 0).map((c) => ({ name: c.name, line: c.line, column: c.column, status: 'broken', failures: [], problems: c.problems })) });
    if (!existsSync(policyPath)) {
      broken(`the policy ${policy} does not exist`);
      continue;
    }
    if (!policies.has(policyPath)) {
      try {
        const loaded = await loadPolicy([policyPath], io, opts.engine);
        policies.set(policyPath, { loaded, tally: loaded && opts.coverage ? new CoverageTally(loaded.ir, policy, (f) => (isAbsolute(f) ? relative(io.cwd, f) || f : f)) : undefined });
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        policies.set(policyPath, { loaded: null, error: e.message });
      }
    }
    const p = policies.get(policyPath)!;
    if (!p.loaded) {
      broken(p.error ?? `the policy ${policy} has errors (on stderr; \`hush check ${policy}\` shows them all)`);
      continue;
    }
    files.push({ file, policy, cases: fx.cases.map((c) => runCase(p.loaded!, c, fx.clock, p.tally)) });
  }
  const failed = files.some((f) => f.error || f.cases.some((c) => c.status !== 'passed'));
  const tallies = [...policies.values()].flatMap((p) => (p.tally ? [p.tally] : []));
  return { status: failed ? EXIT.failed : EXIT.ok, files, ...(opts.coverage ? { coverage: coverageOf(tallies) } : {}) };
}

/** The report in one of the formats. */
export function renderTestReport(format: TestFormat, report: TestReport): string {
  switch (format) {
    case 'human':
      return renderTestHuman(report);
    case 'json':
      return renderTestJson(report);
    case 'github':
      return renderTestGithub(report);
    case 'junit':
      return renderTestJunit(report);
  }
}

export const registerTest: RegisterCommand = (program, io, setStatus) => {
  program
    .command('test')
    .description('run decision fixtures (*.test.yaml, *.test.json): events and the decisions expected')
    .argument('[paths...]', 'fixture files and folders (folders are walked; default: the current folder)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(TEST_FORMATS).default('human'))
    .addOption(new Option('--engine <engine>', 'the policy implementation (default: compiled when available)').choices(ENGINES))
    .option('--coverage', 'report the rules, `when` triggers and ladder steps no case exercised (never changes the exit status)')
    .action(async (paths: string[], opts: TestOptions) => {
      const r = await runTests(paths, opts, io);
      io.stdout(renderTestReport(opts.format ?? 'human', r));
      setStatus(r.status);
    });
};
