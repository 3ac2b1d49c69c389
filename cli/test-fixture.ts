// Reads a `hush test` fixture (spec/cli.md, "hush test") with the place of every part: YAML and
// JSON alike go through the `yaml` package (JSON is YAML), whose nodes carry their offsets. What
// is wrong at the top (not a mapping, an unknown field, a bad `policy` or `clock`, no cases) makes
// the whole fixture unrunnable; what is wrong in a case makes only that case broken, at the field
// it is about, and the other cases still run. Nothing here throws for a user's mistake.
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { parseTime } from '../runtime/index.ts';
import { EXPECTATION_KEYS, type Expectation } from './decision-expectations.ts';
import type { Place, TestProblem } from './test-results.ts';

export interface FixtureEvent extends Place {
  value: unknown;
}

export interface FixtureExpectation extends Place {
  /** The 1-based event it applies to (its `event`, or the one after the previous expectation's). */
  event: number;
  expect: Expectation;
}

export interface FixtureCase extends Place {
  name: string;
  events: FixtureEvent[];
  expect: FixtureExpectation[];
  /** Non-empty: the case is malformed and is not run. */
  problems: TestProblem[];
}

export interface Fixture {
  policy: string;
  /** Where `policy` is given (the start of the file when it is not). */
  policyAt: Place;
  clock?: number;
  cases: FixtureCase[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const START: Place = { line: 1, column: 1 };

/** Places of the nodes of one parsed document. */
class Places {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  of(offset: number): Place {
    const p = this.lines.linePos(offset);
    return { line: p.line, column: p.col };
  }

  private node(path: (string | number)[]): Node | null {
    const n = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    return n && typeof n === 'object' && 'range' in n && Array.isArray(n.range) ? (n as Node) : null;
  }

  /** The value at `path`, or the nearest enclosing node that exists. */
  value(path: (string | number)[]): Place {
    for (let i = path.length; i >= 0; i--) {
      const n = this.node(path.slice(0, i));
      if (n?.range) return this.of(n.range[0]);
    }
    return START;
  }

  /** The key `key` of the mapping at `path` (for an unknown or a missing field: the mapping). */
  key(path: (string | number)[], key: string): Place {
    const map = this.node(path);
    if (map && isMap(map)) {
      const pair = (map.items as Pair[]).find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
      const k = pair?.key as Node | undefined;
      if (k?.range) return this.of(k.range[0]);
    }
    return this.value(path);
  }
}

const problem = (at: Place, message: string): TestProblem => ({ ...at, message });

/** Reads a fixture from its text; a problem is what makes the whole fixture unrunnable. */
export function readFixture(text: string): Fixture | TestProblem {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = new Places(doc, lines);
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    return problem(at.of(e.pos[0]), `not valid YAML or JSON: ${e.message.split('\n')[0]}`);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // An alias bomb, or an alias to nothing.
    return problem(START, `not valid YAML or JSON: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  if (!isObj(data)) return problem(at.value([]), 'a fixture must be a mapping with `cases`');
  for (const k of Object.keys(data)) {
    if (!['policy', 'clock', 'cases'].includes(k)) return problem(at.key([], k), `unknown field \`${k}\` (known: policy, clock, cases)`);
  }
  const policy = data.policy ?? '.';
  if (typeof policy !== 'string' || policy === '') return problem(at.value(['policy']), '`policy` must be a path');
  let clock: number | undefined;
  if (data.clock !== undefined) {
    try {
      clock = parseTime(data.clock, 'clock');
    } catch {
      return problem(at.value(['clock']), '`clock` must be an ISO 8601 date-time with a time zone');
    }
  }
  if (!Array.isArray(data.cases) || data.cases.length === 0) return problem(data.cases === undefined ? START : at.value(['cases']), '`cases` must be a non-empty list');
  const cases = data.cases.map((c, i) => readCase(c, i, at));
  return { policy, policyAt: data.policy === undefined ? START : at.value(['policy']), clock, cases };
}

function readCase(c: unknown, i: number, at: Places): FixtureCase {
  const path = ['cases', i];
  const self = at.value(path);
  const out: FixtureCase = { name: `cases[${i}]`, ...self, events: [], expect: [], problems: [] };
  const bad = (where: Place, message: string) => out.problems.push(problem(where, message));
  if (!isObj(c)) {
    bad(self, 'a case must be a mapping with `name`, `events` and `expect`');
    return out;
  }
  for (const k of Object.keys(c)) if (!['name', 'events', 'expect'].includes(k)) bad(at.key(path, k), `unknown field \`${k}\` (known: name, events, expect)`);
  if (typeof c.name === 'string' && c.name !== '') out.name = c.name;
  else bad(c.name === undefined ? self : at.value([...path, 'name']), '`name` must be a non-empty string');
  if (!Array.isArray(c.events) || c.events.length === 0) {
    bad(c.events === undefined ? self : at.value([...path, 'events']), '`events` must be a non-empty list');
  } else {
    out.events = c.events.map((value, j) => ({ value, ...at.value([...path, 'events', j]) }));
  }
  if (!Array.isArray(c.expect)) {
    bad(c.expect === undefined ? self : at.value([...path, 'expect']), '`expect` must be a list');
    return out;
  }
  const count = out.events.length;
  let next = 1;
  for (const [j, x] of c.expect.entries()) {
    const xPath = [...path, 'expect', j];
    const where = at.value(xPath);
    if (x !== null && !isObj(x)) {
      bad(where, 'an expectation must be a mapping (a partial decision)');
      next++;
      continue;
    }
    const want = (x ?? {}) as Obj;
    for (const k of Object.keys(want)) {
      if (!(EXPECTATION_KEYS as readonly string[]).includes(k)) bad(at.key(xPath, k), `unknown field \`${k}\` (known: ${EXPECTATION_KEYS.join(', ')})`);
    }
    let n = next;
    if (want.event !== undefined) {
      if (!Number.isInteger(want.event) || (want.event as number) < 1 || (count > 0 && (want.event as number) > count)) {
        bad(at.value([...xPath, 'event']), `\`event\` must be an event number from 1 to ${count}`);
        next++;
        continue;
      }
      n = want.event as number;
    } else if (count > 0 && n > count) {
      bad(where, `this expectation is left over: the case has ${count} event${count === 1 ? '' : 's'}`);
    }
    next = n + 1;
    out.expect.push({ event: n, expect: want as Expectation, ...where });
  }
  return out;
}
