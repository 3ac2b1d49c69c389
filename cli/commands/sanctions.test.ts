// State across processes, as a platform engineer sees it: `hush run --store sqlite` in one
// process, then another `hush run` on the same file continues the ladder, `hush sanctions` lists
// what stands, a corrupt state file is refused with its code and left untouched, and a Redis
// store works the same (REDIS_URL, default redis://127.0.0.1:6379).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../runtime/store/redis-store.ts';

const HUSH = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/hush.js');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function hush(args: string[], cwd: string, input = ''): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [HUSH, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      done({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin!.end(input);
  });
}

const POLICY = `ladder "interop-abuse" {
  counts harassment
  step 1: suspend interop for 1h, appealable
  step 2: suspend interop for 24h
  step 3: suspend interop forever
}
`;

const v = (at: string, id: string) => JSON.stringify({ type: 'violation', id, subject: 'm-1', category: 'harassment', at });
const steps = (out: string) => out.trim().split('\n').map((l) => JSON.parse(l).sanctions[0].step);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hush-sanctions-'));
  writeFileSync(join(dir, 'p.policy'), POLICY);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hush run --store sqlite', () => {
  it('keeps the ladder across processes, replays change nothing, and hush sanctions lists what stands', async () => {
    const first = await hush(['run', 'p.policy', '--store', 'sqlite'], dir, v('2026-11-01T00:00:00Z', 'v-1') + '\n');
    expect(first.status).toBe(0);
    expect(steps(first.stdout)).toEqual([1]);
    // A second process: the same violation again (a replay) and a new one.
    const second = await hush(['run', 'p.policy', '--store', 'sqlite'], dir, [v('2026-11-01T00:00:00Z', 'v-1'), v('2026-11-02T00:00:00Z', 'v-2')].join('\n') + '\n');
    expect(steps(second.stdout)).toEqual([1, 2]);
    expect(JSON.parse(second.stdout.split('\n')[0]).strikes).toEqual([{ ladder: 'interop-abuse', strike: 1, duplicate: true }]);
    // The readers below only read the state file: one process each, started together.
    const [listed, human, all, later, history, both, none] = await Promise.all([
      hush(['sanctions', 'm-1', 'm-2', '--at', '2026-11-02T01:00:00Z', '--format', 'json'], dir),
      hush(['sanctions', 'm-1', '--history', '--at', '2026-11-02T01:00:00Z'], dir),
      // --all: every subject with a sanction in force, judged at --at.
      hush(['sanctions', '--all', '--at', '2026-11-02T01:00:00Z', '--format', 'json'], dir),
      hush(['sanctions', '--all', '--at', '2026-11-04T00:00:00Z'], dir),
      hush(['sanctions', '--all', '--history', '--at', '2026-11-04T00:00:00Z'], dir),
      hush(['sanctions', 'm-1', '--all'], dir),
      hush(['sanctions'], dir),
    ]);
    expect(listed.status).toBe(0);
    const got = JSON.parse(listed.stdout);
    expect(got.sanctions['m-1']).toMatchObject([{ ladder: 'interop-abuse', step: 2, until: '2026-11-03T00:00:00.000Z', appealable: false }]);
    expect(got.sanctions['m-2']).toEqual([]);
    expect(human.stdout).toContain('2 sanctions');
    expect(human.stdout).toMatch(/step 1 .*\[ended\]/);
    expect(human.stdout).toMatch(/step 2 .*\[in force\]/);
    expect(all.status, all.stderr).toBe(0);
    expect(Object.keys(JSON.parse(all.stdout).sanctions)).toEqual(['m-1']);
    expect(JSON.parse(all.stdout).sanctions['m-1']).toMatchObject([{ step: 2 }]);
    expect(later.stdout).toBe('no sanction in force at 2026-11-04 08:00:00 +08:00\n');
    expect(history.stdout).toMatch(/^m-1: 2 sanctions\n/);
    expect(both.status).toBe(2);
    expect(none.status).toBe(2);
  });

  it('refuses a corrupt state file with its code, and leaves it as it was', async () => {
    const file = join(dir, 'corrupt.db');
    const bytes = Buffer.from('this is not a SQLite database, but it is somebody’s data\n'.repeat(200));
    writeFileSync(file, bytes);
    for (const args of [['run', 'p.policy', '--store', 'sqlite:corrupt.db'], ['sanctions', 'm-1', '--store', 'sqlite:corrupt.db']]) {
      const r = await hush(args, dir, v('2026-11-01T00:00:00Z', 'v-1') + '\n');
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('hush/store/corrupt');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(readFileSync(file).equals(bytes)).toBe(true);
    }
  });

  it('says so when the state file is missing for hush sanctions, and creates nothing', async () => {
    const r = await hush(['sanctions', 'm-1', '--store', 'sqlite:nothing-here.db'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('hush/store/missing');
  });
});

describe('hush sanctions --store memory', () => {
  it('is an empty store: --all lists nothing in force, and says why', async () => {
    const r = await hush(['sanctions', '--all', '--store', 'memory', '--at', '2026-11-02T01:00:00Z'], dir);
    expect(r).toMatchObject({ status: 0, stdout: 'no sanction in force at 2026-11-02 09:00:00 +08:00\n' });
    expect(r.stderr).toContain('holds nothing between commands');
  });
});

describe('hush run --store redis://', () => {
  const prefix = `hush:test:cli:${process.pid}-${Date.now()}:`;
  afterAll(async () => {
    const store = await RedisStore.connect(REDIS_URL, { prefix });
    await store.deleteAll();
    await store.close();
  });

  it('keeps the ladder across processes on a shared Redis', async () => {
    const url = `${REDIS_URL}?prefix=${prefix}`;
    const a = await hush(['run', 'p.policy', '--store', url], dir, v('2026-11-01T00:00:00Z', 'v-1') + '\n');
    expect(a.stderr).toBe('');
    const b = await hush(['run', 'p.policy', '--store', url], dir, v('2026-11-02T00:00:00Z', 'v-2') + '\n');
    expect([...steps(a.stdout), ...steps(b.stdout)]).toEqual([1, 2]);
    const [listed, all] = await Promise.all([
      hush(['sanctions', 'm-1', '--store', url, '--at', '2026-11-02T01:00:00Z', '--format', 'json'], dir),
      hush(['sanctions', '--all', '--store', url, '--at', '2026-11-02T01:00:00Z', '--format', 'json'], dir),
    ]);
    expect(JSON.parse(listed.stdout).sanctions['m-1']).toMatchObject([{ step: 2 }]);
    expect(all.status, all.stderr).toBe(0);
    expect(Object.keys(JSON.parse(all.stdout).sanctions)).toEqual(['m-1']);
  });

  it('says which server it cannot reach', async () => {
    const r = await hush(['run', 'p.policy', '--store', 'redis://127.0.0.1:1'], dir, '');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('hush/store/unreachable');
    expect(r.stderr).toContain('127.0.0.1:1');
  });
});
