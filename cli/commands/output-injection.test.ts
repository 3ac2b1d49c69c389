// Output injection (trust issue item 5): names, keywords, list entries, case names, event ids and
// file paths come from pull requests and from strangers' events, and they reach terminals, CI
// logs, pull-request comments and code-scanning views. Each output format is fed the same
// hostile strings (a line break and a forged Markdown heading, raw HTML, an escape sequence, a
// carriage return, GitHub workflow commands in both syntaxes, a percent escape, a bidirectional
// override) and must show them as text: no raw control character, no line or workflow command
// of their own, no Markdown heading or HTML, and the string still recognisable.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnostic } from '../../language/diagnostic.ts';
import { LineIndex } from '../../language/line-index.ts';
import type { CliIO } from '../io.ts';
import { renderDiagnostics, type Format } from '../render/index.ts';
import { runDiff } from './diff.ts';
import { runExplain } from './explain.ts';
import { runRun } from './run.ts';
import { runSanctions } from './sanctions.ts';
import { renderTestHuman } from '../render/test-human.ts';
import { renderTestReport, runTests, TEST_FORMATS } from './test.ts';

/** Every hostile piece at once; `\u202e` would reverse the text after it on screen. */
const HOSTILE = '\n# forged <img src=x onerror=alert(1)> \u001b[2J \r ::error file=x::forged %0A \u202e ##[error]legacy';
/** The same, starting a line: a path or an id printed first on its line. */
const AT_START = '::error file=x::start\u001b[2J';

/** Raw characters no output may hold (LF is the renderers' own). */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

/** What every format must hold to: no raw character, no legacy command, no forged command line. */
function expectSafe(out: string, ownCommands = false): void {
  expect(out).not.toMatch(RAW);
  expect(out).not.toContain('##[');
  for (const line of out.split('\n')) {
    if (!/^\s*::/.test(line)) continue;
    // Only Hush's own annotations, and their properties are exactly Hush's.
    expect(ownCommands).toBe(true);
    const m = /^::(error|warning|notice) ([^:]*)::/.exec(line);
    expect(m, line).not.toBeNull();
    for (const p of m![2].split(',')) expect(p).toMatch(/^(file|line|col|endLine|endColumn|title)=/);
  }
}

/** Markdown: no heading but Hush's, no HTML tag or link outside code spans. */
function expectSafeMarkdown(md: string): void {
  expectSafe(md);
  for (const line of md.split('\n')) {
    if (/^\s{0,3}#/.test(line)) expect(line).toMatch(/^(## Hush policy diff: |### (Rule|Ladder|Quota|Policy set|Limits|Impact on))/);
    const outside = line.replace(/(`+)[\s\S]*?(?<!`)\1(?!`)/g, '');
    expect(outside).not.toMatch(/<(?!br>|sub>|\/sub>|details>|\/details>|summary>|\/summary>)/);
    expect(outside).not.toMatch(/(?<!\\)\]\(/);
  }
}

let dir: string;
const io = (): CliIO & { out: string[]; err: string[] } => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s) => out.push(s), stderr: (s) => err.push(s), isTTY: false, cwd: dir };
};

const policy = (name: string, keywords: string[]) =>
  [
    'enterprise "acme-shop"',
    'limits "wecom-4.1.36"',
    '',
    `rule ${JSON.stringify(name)} {`,
    '  owner super-admin "zhang.wei"',
    '  groups "g-1"',
    `  keywords ${keywords.map((k) => JSON.stringify(k)).join(', ')}`,
    '  when keyword then recall',
    '}',
    '',
  ].join('\n');

const EVENT = (id: string, text: string) => ({ type: 'message', group: 'g-1', sender: { id, kind: 'customer' }, text, links: [], miniprograms: [], at: '2026-11-23T10:00:00Z' });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hush-injection-'));
  mkdirSync(join(dir, 'base'));
  mkdirSync(join(dir, 'head'));
  // The rule's name and a keyword carry the hostile text; head drops that keyword (looser).
  writeFileSync(join(dir, 'base', 'shop.policy'), policy(`ads${HOSTILE} \`tick\``, ['加微信', `kw<img src=x onerror=alert(1)>\u001b[2J`]));
  writeFileSync(join(dir, 'head', 'shop.policy'), policy(`ads${HOSTILE} \`tick\``, ['加微信']));
  writeFileSync(join(dir, 'corpus.jsonl'), `${JSON.stringify(EVENT(`c${HOSTILE}`, `kw<img src=x onerror=alert(1)>\u001b[2J ${HOSTILE}`))}\n`);
  writeFileSync(
    join(dir, 'shop.test.json'),
    JSON.stringify({
      policy: 'head',
      cases: [{ name: `case${HOSTILE}`, events: [EVENT(`c${HOSTILE}`, '加微信')], expect: [{ allowed: true, matches: [{ rule: `other${HOSTILE}` }] }] }],
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hush diff shows hostile names, keywords and corpus ids as text', () => {
  const diff = async (format: 'human' | 'markdown' | 'github' | 'sarif' | 'json') => {
    const x = io();
    const status = await runDiff(['base', 'head'], { format, corpus: 'corpus.jsonl' }, x);
    expect(x.err.join('')).toBe('');
    expect(status).toBe(1);
    return x.out.join('');
  };

  it('human', async () => {
    const out = await diff('human');
    expectSafe(out);
    expect(out).toContain('ads\\n# forged <img src=x onerror=alert(1)> \\u001b[2J \\r ::error file=x::forged %0A \\u202e ##\\[error]legacy');
  });

  it('markdown: no forged heading, no HTML, no link, every table row intact', async () => {
    const md = await diff('markdown');
    expectSafeMarkdown(md);
    expect(md).toContain('onerror=alert(1)');
    expect(md).toContain('\\u001b[2J');
    // Each table row still has the columns of its header.
    const lines = md.split('\n');
    lines.forEach((l, i) => {
      if (!l.startsWith('|')) return;
      let h = i;
      while (h > 0 && lines[h - 1].startsWith('|')) h--;
      const cells = (s: string) => s.split(/(?<!\\)\|/).length;
      expect(cells(l), l).toBe(cells(lines[h]));
    });
  });

  it('github: only Hush\'s own annotations, with the text kept', async () => {
    const out = await diff('github');
    expectSafe(out, true);
    expect(out).toContain('# forged <img src=x onerror=alert(1)> \\u001b[2J %0D \\::error file=x::forged %250A \\u202e ##\\[error]legacy');
  });

  it('sarif: message text only, no raw character in it', async () => {
    const out = await diff('sarif');
    const log = JSON.parse(out);
    for (const r of log.runs[0].results) {
      expect(Object.keys(r.message)).toEqual(['text']);
      expectSafe(r.message.text);
      expect(r.message.text).toContain('\\u202e');
    }
  });

  it('json: the real names, as data', async () => {
    const out = await diff('json');
    expect(JSON.stringify(JSON.parse(out))).toContain(JSON.stringify(`ads${HOSTILE}`).slice(1, -1));
  });
});

describe('hush check formats show hostile messages, codes and paths as text', () => {
  const range = new LineIndex('abc').range(0, 2);
  const diags = [
    diagnostic('hush/check/duplicate-name', 'error', `rule ${JSON.stringify(HOSTILE).slice(0, 8)}${HOSTILE} is declared twice`, `${AT_START}.policy`, range, {
      help: `rename ${HOSTILE}`,
      related: [{ file: `${AT_START}/other.policy`, range, message: `first declared here ${HOSTILE}` }],
    }),
    diagnostic(`hush/x${HOSTILE}`, 'warning', HOSTILE, `dir/${HOSTILE}.policy`, range),
  ];

  it.each<[Format, boolean]>([
    ['human', false],
    ['github', true],
  ])('%s', (format, own) => {
    const out = renderDiagnostics(format, diags, { getSource: () => 'abc' });
    expectSafe(out, own);
    expect(out).toContain('onerror=alert(1)');
    expect(out).toContain('\\u001b[2J');
  });

  it('human with colours: only Hush\'s own escape sequences', () => {
    const out = renderDiagnostics('human', diags, { getSource: () => 'abc', color: true });
    expect(out.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(RAW);
    expect(out).not.toContain('\u001b[2J');
  });

  it('sarif', () => {
    const log = JSON.parse(renderDiagnostics('sarif', diags));
    const texts = [
      ...log.runs[0].tool.driver.rules.map((r: { shortDescription: { text: string } }) => r.shortDescription.text),
      ...log.runs[0].results.flatMap((r: { message: { text: string }; relatedLocations?: { message: { text: string } }[] }) => [r.message.text, ...(r.relatedLocations ?? []).map((l) => l.message.text)]),
    ];
    for (const t of texts) expectSafe(t);
    expect(texts.join('\n')).toContain('\\u202e');
  });

  it('a source line holding `##[` is shown without forming the command, carets still aligned', () => {
    const out = renderDiagnostics('human', [diagnostic('hush/x/y', 'error', 'm', 'f.policy', new LineIndex('# ##[error]x bad').range(13, 16))], {
      getSource: () => '# ##[error]x bad',
    });
    expectSafe(out);
    const [, src, marks] = out.split('\n').slice(1);
    expect(src).toContain('##\\[error]x bad');
    expect(marks.indexOf('^')).toBe(src.indexOf('bad'));
  });
});

describe('hush test and hush explain show hostile case names, ids and rule names as text', () => {
  it('hush test: case names, fixture paths and failures', async () => {
    const x = io();
    const r = await runTests(['shop.test.json'], {}, x);
    expect(r.status).toBe(1);
    const out = renderTestHuman(r);
    expectSafe(out);
    expect(out).toContain('case\\n# forged <img src=x onerror=alert(1)>');
    // JSON needs nothing beyond JSON.stringify (escape.ts); the other formats hold to the rules.
    for (const format of TEST_FORMATS.filter((f) => f !== 'json')) expectSafe(renderTestReport(format, r), format === 'github');
    // A fixture path printed first on its line cannot become a workflow command.
    const failure = { line: 1, column: 1, event: 1, differences: [AT_START], got: AT_START, fired: [], decision: { allowed: true, actions: [], matches: [] } };
    const forged = renderTestHuman({ files: [{ file: `${AT_START}.test.yaml`, cases: [{ name: AT_START, line: 1, column: 1, status: 'failed', failures: [failure], problems: [] }] }] });
    expectSafe(forged);
    expect(forged).toContain('\\::error file=x::start\\u001b[2J.test.yaml');
  });

  it('hush explain: rule names and texts', async () => {
    const x = io();
    const status = await runExplain('base', { group: 'g-1', sender: `c${HOSTILE}`, text: `加微信 ${HOSTILE}` }, x);
    expect(status).toBe(0);
    const out = x.out.join('');
    expectSafe(out);
    expect(out).toContain('rule ads\\n# forged');
  });
});

describe('hush sanctions shows hostile subjects, ladders and ids as text', () => {
  it('one line per sanction, escaped', async () => {
    const subject = `m${HOSTILE}`;
    writeFileSync(join(dir, 'ladder.policy'), `ladder ${JSON.stringify(`abuse${HOSTILE}`)} {\n  counts harassment\n  step 1: suspend interop for 1h, appealable\n}\n`);
    const event = { type: 'violation', id: `v${HOSTILE}`, subject, category: 'harassment', at: '2026-11-01T00:00:00Z' };
    const run = io();
    expect(await runRun('ladder.policy', { store: 'sqlite:state.db' }, run, Readable.from([`${JSON.stringify(event)}\n`]))).toBe(0);
    expect(run.out.join('')).toContain('"step":1');
    const x = io();
    expect(await runSanctions([subject], { store: 'sqlite:state.db', history: true, at: '2026-11-01T00:30:00Z', format: 'human' }, x)).toBe(0);
    const out = x.out.join('');
    expectSafe(out);
    expect(out).toContain('m\\n# forged <img src=x onerror=alert(1)> \\u001b[2J');
    expect(out).toContain('abuse\\n# forged');
  });
});
