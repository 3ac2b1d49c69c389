// What `hush test` found, as data: the command (commands/test.ts) builds it and the renderers
// (render/test-*.ts) print it, so every format says the same thing. Every place is a 1-based line
// and a 1-based column (UTF-16 code units) in the fixture file, or in a policy file for coverage.
import type { Decision, EventError } from '../runtime/index.ts';

export interface Place {
  line: number;
  column: number;
}

/** Something wrong with a fixture or a case, at the field it is about. */
export interface TestProblem extends Place {
  message: string;
}

/** An expectation that did not hold (or an unchecked event that was rejected). */
export interface ExpectationFailure extends Place {
  /** The 1-based event it is about. */
  event: number;
  /** What differs: `actions[0].ms: want 60000, got 1800000`. */
  differences: string[];
  /** What the decision was, in one line: `not allowed; actions: mute 30m; fired: ads/flood`. */
  got: string;
  /** The rules and triggers that fired (`ads/flood`); empty when none did or the event was rejected. */
  fired: string[];
  /** The event's outcome as `hush run` prints it. */
  decision: Decision | EventError;
}

export type CaseStatus = 'passed' | 'failed' | 'broken';

export interface CaseResult extends Place {
  name: string;
  /** `broken`: the case itself is malformed (its problems say where); it was not run. */
  status: CaseStatus;
  failures: ExpectationFailure[];
  problems: TestProblem[];
}

export interface FileResult {
  /** The fixture's path, relative to the working folder. */
  file: string;
  policy?: string;
  /** A fixture none of whose cases can run: unreadable, malformed at the top, or its policy has errors. */
  error?: TestProblem;
  cases: CaseResult[];
}

/** How many items of one kind there are and how many some case exercised. */
export interface CoverageCount {
  items: number;
  exercised: number;
}

export interface CoverageItem extends Place {
  kind: 'rule' | 'trigger' | 'step';
  /** `ads`, `ads/flood`, `abuse/2`, `abuse/severe`, `abuse/linked`. */
  name: string;
  /** The policy file it is declared in. */
  file: string;
}

export interface PolicyCoverage extends CoverageCount {
  /** The policy path the fixtures name, relative to the working folder. */
  policy: string;
  /** Exercised items in percent, one decimal (100 when there is nothing to exercise). */
  percent: number;
  rules: CoverageCount;
  triggers: CoverageCount;
  steps: CoverageCount;
  /** In policy order (file, line, column). */
  unexercised: CoverageItem[];
}

export interface Coverage extends CoverageCount {
  percent: number;
  policies: PolicyCoverage[];
}

export interface TestReport {
  files: FileResult[];
  /** Only with `--coverage`. */
  coverage?: Coverage;
}

export interface TestCounts {
  passed: number;
  failed: number;
  /** Malformed cases. */
  broken: number;
  /** Fixtures none of whose cases could run. */
  brokenFiles: number;
  files: number;
}

export function countResults(files: readonly FileResult[]): TestCounts {
  const c: TestCounts = { passed: 0, failed: 0, broken: 0, brokenFiles: 0, files: files.length };
  for (const f of files) {
    if (f.error) c.brokenFiles++;
    for (const x of f.cases) c[x.status]++;
  }
  return c;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `3 passed, 1 failed, 1 broken case, 1 broken fixture (2 files)`; the broken counts only when there are some. */
export function countsText(c: TestCounts): string {
  const parts = [`${c.passed} passed`, `${c.failed} failed`];
  if (c.broken) parts.push(plural(c.broken, 'broken case'));
  if (c.brokenFiles) parts.push(plural(c.brokenFiles, 'broken fixture'));
  return `${parts.join(', ')} (${plural(c.files, 'file')})`;
}

export const percentOf = (c: CoverageCount) => (c.items === 0 ? 100 : Math.floor((c.exercised / c.items) * 1000) / 10);
