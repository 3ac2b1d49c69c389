// `hush run` and `hush sanctions` when the store is misnamed or fails, as a user runs them (node
// bin/hush.js as a child process): a bad store option is a usage error with a code (exit 2); a
// store that fails mid-stream gives that event an error record, never a decision made without
// state; a store whose state is gone stops the stream (spec/runtime.md, "when the store fails").
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl, requireRedis } from '../../runtime/store/testing/redis.ts';
import { RedisServer, silentServer } from '../../runtime/store/testing/redis-server.ts';

const HUSH = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/hush.js');
const POLICY = `rule "flood" {
  owner member "li.lei"
  groups "g-1"
  when flood 2 in 1h then mute 30m
}
`;
const ev = (i: number) => JSON.stringify({ type: 'message', id: `m-${i}`, group: 'g-1', sender: { id: 'c-9', kind: 'customer' }, text: `hi ${i}`, at: new Date(Date.UTC(2026, 10, 23, 10, 0, i)).toISOString() });

/** A `hush` child whose stdin is written line by line, waiting for each output line. */
class Hush {
  private out = '';
  private err = '';
  private waiters: (() => void)[] = [];
  readonly exited: Promise<number>;
  private readonly child;
  constructor(args: string[], cwd: string) {
    this.child = spawn(process.execPath, [HUSH, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    this.child.stdout.on('data', (b: Buffer) => {
      this.out += b;
      for (const w of this.waiters.splice(0)) w();
    });
    this.child.stderr.on('data', (b: Buffer) => (this.err += b));
    this.exited = new Promise((done) => this.child.on('close', (code) => done(code ?? -1)));
  }
  get lines(): string[] {
    return this.out.split('\n').filter((l) => l !== '');
  }
  get stderr(): string {
    return this.err;
  }
  /** Writes one event and resolves with its output line. */
  async send(line: string): Promise<string> {
    const before = this.lines.length;
    this.child.stdin.write(line + '\n');
    const deadline = Date.now() + 20_000;
    while (this.lines.length === before) {
      if (Date.now() > deadline) throw new Error(`no output for ${line}; stderr: ${this.err}`);
      await new Promise<void>((done) => {
        this.waiters.push(done);
        setTimeout(done, 200);
      });
    }
    return this.lines[before];
  }
  end(): Promise<number> {
    this.child.stdin.end();
    return this.exited;
  }
}

function hush(args: string[], cwd: string): Promise<{ status: number; stderr: string; ms: number }> {
  const t = Date.now();
  const h = new Hush(args, cwd);
  return h.end().then((status) => ({ status, stderr: h.stderr, ms: Date.now() - t }));
}

let dir: string;
let server: RedisServer;
beforeAll(async () => {
  await requireRedis();
  dir = mkdtempSync(join(tmpdir(), 'hush-store-faults-'));
  writeFileSync(join(dir, 'p.policy'), POLICY);
  writeFileSync(join(dir, 'a-file'), '');
  server = await RedisServer.start();
});
afterAll(async () => {
  await server?.down();
  rmSync(dir, { recursive: true, force: true });
});

describe('store options', () => {
  it.each([
    ['redis://127.0.0.1:99999', 'hush/store/bad-option', 'the port 99999 is outside 1…65535'],
    ['redis://127.0.0.1:6379/abc', 'hush/store/bad-option', 'the database "abc" is not a number'],
    ['redis://127.0.0.1:6379/0?db=1', 'hush/store/bad-option', 'unknown parameter "db"'],
    ['sqlite:a-file/state.db', 'hush/store/unreachable', 'cannot create the folder of the state file'],
    ['sqlite:/proc/self/no-such/state.db', 'hush/store/unreachable', 'cannot create the folder of the state file'],
    ['sqlite:/proc/state.db', 'hush/store/unreachable', 'cannot create the state file /proc/state.db (unable to open database file)'],
  ])('hush run --store %s is a usage error with %s', async (store, code, words) => {
    const r = await hush(['run', 'p.policy', '--store', store], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${code}: `);
    expect(r.stderr).toContain(words);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('refuses a database the server does not have', async () => {
    const r = await hush(['run', 'p.policy', '--store', `${server.url}/99`], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('hush/store/bad-option: Redis 127.0.0.1:');
    expect(r.stderr).toContain('has no database 99');
  });

  it('hush sanctions ends with hush/store/unreachable when Redis accepts and never answers', async () => {
    const silent = await silentServer();
    try {
      const r = await hush(['sanctions', 'c-9', '--store', silent.url], dir);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('hush/store/unreachable');
      expect(r.ms).toBeLessThan(15_000);
    } finally {
      await silent.close();
    }
  });
});

describe('a store that fails mid-stream', () => {
  it('gives a stalled event an error record and decides the next once the server answers again', async () => {
    const h = new Hush(['run', 'p.policy', '--store', `${server.url}/0?prefix=stall-${randomBytes(4).toString('hex')}:`], dir);
    expect(JSON.parse(await h.send(ev(1))).allowed).toBe(true);
    // The stall outlasts the store's 2 s timeout by 3 s: the event sent into it times out even if
    // a loaded host is slow to send its commands.
    await server.stall(5000);
    const second = JSON.parse(await h.send(ev(2)));
    expect(second.error).toMatchObject({ line: 2, code: 'hush/store/unreachable' });
    expect(second).not.toHaveProperty('allowed');
    // Past the stall's end (about 3 s from here) by 2 s.
    await new Promise((d) => setTimeout(d, 5200));
    expect(JSON.parse(await h.send(ev(3)))).toHaveProperty('allowed');
    expect(await h.end()).toBe(1);
    expect(h.stderr).toContain('the store failed on 1 of 3 events');
  });

  it('stops with hush/store/lost when the state vanishes, applying no later event', async () => {
    const url = redisUrl();
    const prefix = `hush:test:${randomBytes(6).toString('hex')}:`;
    const h = new Hush(['run', 'p.policy', '--store', `${url}/0?prefix=${prefix}`], dir);
    expect(JSON.parse(await h.send(ev(1))).allowed).toBe(true);
    const raw = new Redis(url);
    await raw.del(`${prefix}{-}version`, `${prefix}{-}epoch`);
    await new Promise((d) => setTimeout(d, 1100));
    const second = JSON.parse(await h.send(ev(2)));
    expect(second.error).toMatchObject({ line: 2, code: 'hush/store/lost' });
    expect(await h.exited).toBe(1);
    expect(h.stderr).toContain('stopped at line 2, no later event was applied');
    expect(h.lines).toHaveLength(2);
    // Nothing was written into the vanished keyspace.
    expect(await raw.exists(`${prefix}{-}version`, `${prefix}{-}epoch`)).toBe(0);
    const left = await raw.keys(`${prefix}*`);
    if (left.length > 0) await raw.del(...left);
    await raw.quit();
  });
});
