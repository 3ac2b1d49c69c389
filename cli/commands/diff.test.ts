// `hush diff`: exit statuses (0 stricter or nothing, 1 looser, 2 bad usage with a one-line
// message and no stack trace), `--fail-on`, `--base-ref`, the corpus, and the SARIF, GitHub and
// Markdown formats (SARIF checked against the shape of the 2.1.0 schema that we use).
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import formatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../io.ts';
import { runDiff, type DiffCommandOptions } from './diff.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const HUSH = join(ROOT, 'bin/hush.js');
const CASES = join(ROOT, 'spec/diff');

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hush-diff-cli-'));
  for (const name of ['0001-keyword-added', '0002-keyword-removed', '0007-impact']) cpSync(join(CASES, name), join(dir, name), { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function diff(args: string[], opts: DiffCommandOptions = {}, cwd = dir) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), isTTY: false, cwd };
  const status = await runDiff(args, opts, io);
  return { status, stdout: out.join(''), stderr: err.join('') };
}

function hush(args: string[], cwd = dir): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [HUSH, ...args], { cwd }, (error, stdout, stderr) => {
      done({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const ADDED = ['0001-keyword-added/base', '0001-keyword-added/head'];
const REMOVED = ['0002-keyword-removed/base', '0002-keyword-removed/head'];

describe('exit statuses', () => {
  it('0 for a stricter change, 1 for a looser one, 0 for none', async () => {
    expect((await diff(ADDED)).status).toBe(0);
    expect((await diff(REMOVED)).status).toBe(1);
    expect((await diff([ADDED[0], ADDED[0]])).status).toBe(0);
  });

  it('--fail-on change fails on any change, --fail-on never on none', async () => {
    expect((await diff(ADDED, { failOn: 'change' })).status).toBe(1);
    expect((await diff([ADDED[0], REMOVED[0]], { failOn: 'change' })).status).toBe(0);
    expect((await diff(REMOVED, { failOn: 'never' })).status).toBe(0);
  });

  it('a side with errors: its diagnostics on stderr and status 1', async () => {
    const broken = join(dir, 'broken');
    cpSync(join(dir, ADDED[1]), broken, { recursive: true });
    writeFileSync(join(broken, 'retail.policy'), 'rule "x" {\n  when keyword then explode\n}\n');
    const r = await diff([ADDED[0], 'broken']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/the head policy set \(broken\) has errors/);
  });

  it('2 for bad usage, with one line naming the problem and no stack trace', async () => {
    for (const [args, message] of [
      [['only-one'], /give two policy sets/],
      [['nope', ADDED[1]], /no such file or folder: nope/],
      [['no-such-rev:x', ADDED[1]], /not in a git repository|unknown git revision/],
      [['--corpus', 'missing.jsonl', ...ADDED], /no such corpus file: missing\.jsonl/],
      [['--format', 'yaml', ...ADDED], /argument 'yaml' is invalid/],
      [['--base-ref', 'HEAD', 'a', 'b'], /give one path/],
    ] as const) {
      const r = await hush(['diff', ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  }, 60_000);
});

describe('--base-ref', () => {
  it('diffs the working tree against a revision', async () => {
    const repo = join(dir, 'repo');
    cpSync(join(dir, ADDED[0]), repo, { recursive: true });
    const git = (...a: string[]) => execFileSync('git', a, { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    git('-c', 'user.email=ci@example.invalid', '-c', 'user.name=CI', 'add', '.');
    git('-c', 'user.email=ci@example.invalid', '-c', 'user.name=CI', 'commit', '-q', '-m', 'base');
    writeFileSync(join(repo, 'retail.policy'), readFileSync(join(dir, REMOVED[1], 'retail.policy')));
    const r = await diff([], { baseRef: 'HEAD' }, repo);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^  retail\.policy:12:19 \(base\): looser: keyword `代购` removed/m);
    expect((await hush(['diff', '--base-ref', 'no-such-branch'], repo)).stderr).toMatch(/unknown git revision `no-such-branch`/);
  }, 60_000);
});

describe('formats', () => {
  it('json is the diff as data', async () => {
    const d = JSON.parse((await diff(REMOVED, { format: 'json' })).stdout);
    expect(d).toMatchObject({ version: 1, verdict: 'looser', counts: { looser: 1, stricter: 0, both: 0, equivalent: 0 } });
    expect(d.subjects[0].changes[0]).toMatchObject({ code: 'hush/diff/keyword-removed', effect: 'looser' });
  });

  it('sarif: SARIF 2.1.0 in the shape code scanning reads, one result per change, the base place related', async () => {
    const r = await diff(REMOVED, { format: 'sarif' });
    const sarif = JSON.parse(r.stdout);
    const ajv = new Ajv({ strict: false, allErrors: true });
    (formatsModule as unknown as (a: Ajv) => void)(ajv);
    const location = {
      type: 'object',
      required: ['physicalLocation'],
      properties: {
        physicalLocation: {
          type: 'object',
          required: ['artifactLocation', 'region'],
          properties: {
            artifactLocation: { type: 'object', required: ['uri'], properties: { uri: { type: 'string', format: 'uri-reference' } } },
            region: {
              type: 'object',
              required: ['startLine', 'startColumn', 'endLine', 'endColumn'],
              properties: Object.fromEntries(['startLine', 'startColumn', 'endLine', 'endColumn'].map((k) => [k, { type: 'integer', minimum: 1 }])),
            },
          },
        },
      },
    };
    const shape = {
      type: 'object',
      required: ['$schema', 'version', 'runs'],
      properties: {
        version: { const: '2.1.0' },
        runs: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['tool', 'results'],
            properties: {
              tool: { type: 'object', required: ['driver'], properties: { driver: { type: 'object', required: ['name', 'rules'] } } },
              results: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['ruleId', 'level', 'message', 'locations'],
                  properties: {
                    level: { enum: ['none', 'note', 'warning', 'error'] },
                    message: { type: 'object', required: ['text'] },
                    locations: { type: 'array', minItems: 1, items: location },
                    relatedLocations: { type: 'array', items: location },
                  },
                },
              },
            },
          },
        },
      },
    };
    expect(ajv.validate(shape, sarif), ajv.errorsText()).toBe(true);
    const [result] = sarif.runs[0].results;
    expect(result).toMatchObject({ ruleId: 'hush/diff/keyword-removed', level: 'warning' });
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('0002-keyword-removed/head/retail.policy');
    expect(result.relatedLocations[0].physicalLocation.artifactLocation.uri).toBe('0002-keyword-removed/base/retail.policy');
    expect(sarif.runs[0].tool.driver.rules[0].shortDescription.text).toMatch(/keyword/);
  });

  it('github: an annotation per change on the head file, then the verdict', async () => {
    const lines = (await diff(REMOVED, { format: 'github' })).stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^::warning file=0002-keyword-removed\/head\/retail\.policy,line=12,col=12,endLine=12,endColumn=24,title=hush\/diff\/keyword-removed \(looser\)::looser: keyword `代购` removed/);
    expect(lines[0]).toContain('in base: 0002-keyword-removed/base/retail.policy:12:19');
    expect(lines.at(-1)).toBe('hush diff: looser (1 change: 1 looser); exit status 1');
  });

  it('markdown: a heading, a table, and the impact with examples', async () => {
    const r = await diff(['0007-impact/base', '0007-impact/head'], { format: 'markdown', corpus: '0007-impact/corpus.jsonl' });
    expect(r.stdout).toMatch(/^## Hush policy diff: both$/m);
    expect(r.stdout).toMatch(/^\| \*\*looser\*\* \| keyword `代购` removed from rule `ads` \|/m);
    expect(r.stdout).toMatch(/^### Impact on `0007-impact\/corpus\.jsonl`$/m);
    expect(r.stdout).toMatch(/^\| rule `ads` \| both \| 2 \| 1 \| 1 \|$/m);
    expect(r.stdout).toContain('<details><summary>Examples</summary>');
  });
});
