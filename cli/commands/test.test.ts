// `hush test` in process on a small policy set in a temporary folder: places of failures and of
// broken cases and fixtures, the rules that fired, a broken case beside cases that still run,
// each output format, and `--coverage`. (cli/commands/run.test.ts runs it as a child process.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../io.ts';
import { unescapeGithubData, unescapeGithubProperty } from '../render/escape.ts';
import { renderTestReport, runTests } from './test.ts';

const POLICY = `rule "ads" {
  groups "g-1"
  keywords "加微信", "代购"
  when keyword then remove, record harassment
  when flood 2 in 10s then mute 30m
}

ladder "abuse" {
  counts harassment
  step 1: suspend interop for 1h, appealable
  step 2: suspend interop for 24h
  severe: ban member forever
}
`;

const msg = (text: string, at = '2026-11-23T10:00:00Z') => `{type: message, group: g-1, sender: {id: c-1, kind: customer}, text: "${text}", at: "${at}"}`;

// Cases: one that passes, one whose expectation is wrong (line of `allowed: true`), one broken
// (an unknown field), one whose event is rejected with nobody expecting it, one with a name that
// is hostile to XML and to workflow commands, which fails while no rule fires.
const FIXTURE = `policy: p.policy
cases:
  - name: keyword
    events:
      - ${msg('加微信')}
    expect:
      - {allowed: false, matches: ["ads/keyword"]}
  - name: wrong on purpose
    events:
      - ${msg('你好 代购')}
    expect:
      - allowed: true
  - name: broken
    events:
      - ${msg('hi')}
    expect:
      - {alowed: true}
  - name: rejected
    events:
      - {type: message, group: g-1, sender: {id: c-1, kind: robot}, text: hi}
      - ${msg('hi')}
    expect:
      - event: 2
        allowed: true
  - name: "a <b> & \\"c\\" \\u0007 ::error x"
    events:
      - ${msg('hello')}
    expect:
      - {allowed: false}
`;

/** The 1-based line and column of the n-th occurrence of `needle`. */
function placeOf(text: string, needle: string, nth = 0): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`${needle} not in the fixture`);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

let dir: string;
const io = (): CliIO & { err: string[] } => {
  const err: string[] = [];
  return { err, stdout: () => {}, stderr: (s) => err.push(s), isTTY: false, cwd: dir };
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hush-test-'));
  writeFileSync(join(dir, 'p.policy'), POLICY);
  writeFileSync(join(dir, 'ads.test.yaml'), FIXTURE);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hush test: places, fired rules, broken cases', () => {
  it('runs every case, names the place of each failure and problem, and what fired', async () => {
    const r = await runTests(['ads.test.yaml'], {}, io());
    expect(r.status).toBe(1);
    const [f] = r.files;
    expect(f.error).toBeUndefined();
    expect(f.cases.map((c) => [c.name, c.status])).toEqual([
      ['keyword', 'passed'],
      ['wrong on purpose', 'failed'],
      ['broken', 'broken'],
      ['rejected', 'failed'],
      ['a <b> & "c" \u0007 ::error x', 'failed'],
    ]);
    // The case's place is its first key; the failure's is the expectation's.
    const wrong = f.cases[1];
    expect({ line: wrong.line, column: wrong.column }).toEqual(placeOf(FIXTURE, 'name: wrong on purpose'));
    expect(wrong.failures).toHaveLength(1);
    expect(wrong.failures[0]).toMatchObject({ ...placeOf(FIXTURE, 'allowed: true'), event: 1, differences: ['allowed: want true, got false'], fired: ['ads/keyword'] });
    expect(wrong.failures[0].got).toBe('not allowed; fired: ads/keyword; actions: remove, record harassment');
    // The broken case points at the unknown field; the cases after it still ran.
    expect(f.cases[2].problems).toEqual([{ ...placeOf(FIXTURE, 'alowed'), message: expect.stringContaining('unknown field `alowed`') }]);
    // A rejected event that no expectation covers fails at the event's line.
    expect(f.cases[3].failures).toMatchObject([{ ...placeOf(FIXTURE, '{type: message, group: g-1, sender: {id: c-1, kind: robot}'), event: 1 }]);
    expect(f.cases[3].failures[0].got).toMatch(/^rejected: sender\.kind: .* \(hush\/event\/bad-value\)$/);
    expect(f.cases[4].failures[0].got).toBe('allowed; no rule fired');

    const human = renderTestReport('human', r);
    const at = (needle: string) => {
      const p = placeOf(FIXTURE, needle);
      return `ads.test.yaml:${p.line}:${p.column}`;
    };
    expect(human).toContain(`  FAIL    wrong on purpose (${at('name: wrong on purpose')})\n`);
    expect(human).toContain(`          ${at('allowed: true')}: event 1: allowed: want true, got false\n            decision: not allowed; fired: ads/keyword; actions: remove, record harassment\n`);
    expect(human).toContain(`  BROKEN  broken (${at('name: broken')})\n          ${at('alowed')}: unknown field \`alowed\``);
    expect(human).toContain('decision: allowed; no rule fired');
    expect(human).toContain('1 passed, 3 failed, 1 broken case (1 file)\n');
  });

  it('reports a broken fixture at the bad field, and a JSON fixture with places too', async () => {
    writeFileSync(join(dir, 'clock.test.yaml'), `policy: p.policy\n# a comment\nclock: yesterday\ncases:\n  - name: x\n    events: [${msg('hi')}]\n    expect: []\n`);
    const json = JSON.stringify({ policy: 'p.policy', cases: [{ name: 'ok', events: [{ type: 'message', group: 'g-1', sender: { id: 'c', kind: 'customer' }, text: 'hi' }], expect: [{ allowed: true }] }, { name: 'bad', events: [], expect: [] }] }, null, 2);
    writeFileSync(join(dir, 'two.test.json'), json);
    const r = await runTests(['clock.test.yaml', 'two.test.json'], { format: 'json' }, io());
    expect(r.status).toBe(1);
    expect(r.files[0].error).toEqual({ line: 3, column: 8, message: '`clock` must be an ISO 8601 date-time with a time zone' });
    expect(r.files[1].cases.map((c) => c.status)).toEqual(['passed', 'broken']);
    const events = placeOf(json, '"events": []');
    expect(r.files[1].cases[1].problems).toEqual([{ line: events.line, column: events.column + '"events": '.length, message: '`events` must be a non-empty list' }]);
    const out = JSON.parse(renderTestReport('json', r));
    expect(out.version).toBe(2);
    expect(out.summary).toEqual({ passed: 1, failed: 0, broken: 1, brokenFiles: 1, files: 2 });
    expect(out.files[0].error.line).toBe(3);
  });

  it('reports a fixture that is not YAML at the place of the error', async () => {
    writeFileSync(join(dir, 'syntax.test.yaml'), 'policy: p.policy\ncases:\n  - name: [unclosed\n');
    const r = await runTests(['syntax.test.yaml'], {}, io());
    expect(r.status).toBe(1);
    expect(r.files[0].error).toMatchObject({ line: expect.any(Number), message: expect.stringMatching(/^not valid YAML or JSON: /) });
    expect(r.files[0].error!.line).toBeGreaterThanOrEqual(3);
  });
});

describe('hush test: output formats', () => {
  it('github: one escaped ::error per failure and problem, at its place', async () => {
    const r = await runTests(['ads.test.yaml'], {}, io());
    const lines = renderTestReport('github', r).trimEnd().split('\n');
    const commands = lines.filter((l) => l.startsWith('::'));
    expect(commands).toHaveLength(4);
    expect(lines.at(-1)).toBe('1 passed, 3 failed, 1 broken case (1 file)');
    const parsed = commands.map((l) => {
      const m = /^::(error|notice) ([^:]*)::(.*)$/.exec(l)!;
      expect(m).not.toBeNull();
      const props = Object.fromEntries(m[2].split(',').map((p) => p.split('=')).map(([k, v]) => [k, unescapeGithubProperty(v)]));
      return { props, message: unescapeGithubData(m[3]) };
    });
    const wrong = placeOf(FIXTURE, 'allowed: true');
    expect(parsed[0]).toEqual({
      props: { file: 'ads.test.yaml', line: String(wrong.line), col: String(wrong.column), title: 'hush test: wrong on purpose' },
      message: 'event 1: allowed: want true, got false\ndecision: not allowed; fired: ads/keyword; actions: remove, record harassment',
    });
    expect(parsed[1].props.title).toBe('hush test: broken case broken');
    expect(parsed[1].props.line).toBe(String(placeOf(FIXTURE, 'alowed').line));
    // The hostile case name stays inside its property: no raw control character, no second command.
    expect(commands[3]).not.toMatch(/[\u0000-\u001f]/);
    expect(parsed[3].props.title).toBe('hush test: a <b> & "c" \\u0007 ::error x');
  });

  it('junit: a suite per fixture, a testcase per case, failure and error elements, everything escaped', async () => {
    writeFileSync(join(dir, 'clock.test.yaml'), `clock: yesterday\ncases: []\n`);
    const r = await runTests(['ads.test.yaml', 'clock.test.yaml'], {}, io());
    const xml = renderTestReport('junit', r);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="hush test" tests="6" failures="3" errors="2">\n')).toBe(true);
    // XML 1.0 cannot hold C0 controls (even as references); the markup characters are entities.
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]|&#x?[0-9a-f]+;/i);
    expect(xml).toContain('<testcase name="a &lt;b&gt; &amp; &quot;c&quot; \\u0007 ::error x" classname="ads.test.yaml" file="ads.test.yaml"');
    // Structure: every element opened is closed, in order.
    const stack: string[] = [];
    for (const m of xml.matchAll(/<(\/?)([a-z-]+)[^>]*?(\/?)>/g)) {
      if (m[1]) expect(stack.pop()).toBe(m[2]);
      else if (!m[3]) stack.push(m[2]);
    }
    expect(stack).toEqual([]);
    const suites = [...xml.matchAll(/<testsuite name="([^"]*)" tests="(\d+)" failures="(\d+)" errors="(\d+)"/g)].map((m) => m.slice(1));
    expect(suites).toEqual([
      ['ads.test.yaml', '5', '3', '1'],
      ['clock.test.yaml', '1', '0', '1'],
    ]);
    expect(xml.match(/<testcase /g)).toHaveLength(6);
    expect(xml.match(/<failure /g)).toHaveLength(3);
    expect(xml.match(/<error /g)).toHaveLength(2);
    const wrong = placeOf(FIXTURE, 'allowed: true');
    expect(xml).toContain(`<failure message="ads.test.yaml:${wrong.line}:${wrong.column}: event 1: allowed: want true, got false" type="hush-test-failure">`);
    expect(xml).toContain('<error message="clock.test.yaml:1:8: `clock` must be an ISO 8601 date-time with a time zone" type="hush-test-broken-fixture">');
  });
});

describe('hush test --coverage', () => {
  const COVERAGE = `policy: p.policy
cases:
  - name: keyword and the first step
    events:
      - ${msg('加微信')}
      - {type: violation, subject: m-1, category: harassment, at: "2026-11-23T10:00:00Z"}
    expect:
      - matches: ["ads/keyword"]
      - sanctions: [{ladder: abuse, step: 1}]
`;

  it('lists the rules, triggers and ladder steps no case exercised, at their policy lines', async () => {
    writeFileSync(join(dir, 'cov.test.yaml'), COVERAGE);
    const r = await runTests(['cov.test.yaml'], { coverage: true }, io());
    expect(r.status).toBe(0);
    const line = (needle: string) => placeOf(POLICY, needle).line;
    expect(r.coverage).toEqual({
      items: 6,
      exercised: 3,
      percent: 50,
      policies: [
        {
          policy: 'p.policy',
          items: 6,
          exercised: 3,
          percent: 50,
          rules: { items: 1, exercised: 1 },
          triggers: { items: 2, exercised: 1 },
          steps: { items: 3, exercised: 1 },
          unexercised: [
            { kind: 'trigger', name: 'ads/flood', file: 'p.policy', line: line('when flood'), column: 3 },
            { kind: 'step', name: 'abuse/2', file: 'p.policy', line: line('step 2'), column: 3 },
            { kind: 'step', name: 'abuse/severe', file: 'p.policy', line: line('severe'), column: 3 },
          ],
        },
      ],
    });
    const human = renderTestReport('human', r);
    expect(human).toContain(
      `coverage of p.policy: 50% (3 of 6): rules 1/1, triggers 1/2, ladder steps 1/3\n  not exercised by any case:\n    p.policy:${line('when flood')}:3: trigger ads/flood\n    p.policy:${line('step 2')}:3: ladder step abuse/2\n    p.policy:${line('severe')}:3: ladder step abuse/severe\n`,
    );
    expect(JSON.parse(renderTestReport('json', r)).coverage.percent).toBe(50);
    expect(renderTestReport('github', r)).toContain(`::notice file=p.policy,line=${line('step 2')},col=3,title=hush test%3A coverage::ladder step abuse/2 is not exercised by any case\n`);
    // Without --coverage there is none, and coverage never changes the status.
    const plain = await runTests(['cov.test.yaml'], {}, io());
    expect(plain.coverage).toBeUndefined();
    expect(plain.status).toBe(0);
  });
});
