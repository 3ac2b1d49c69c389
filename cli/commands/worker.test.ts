// `hush worker` as an operator runs it (node bin/hush.js, real processes) against a private
// redis-server: bad options are exit 2 with a `hush/worker/*` code; a worker killed with SIGKILL
// mid-stream, a server stalled (CLIENT PAUSE) past the 2 s timeouts and a server that keeps its
// data (AOF) killed and restarted mid-stream lose no event and double none. After each fault every input entry has exactly one decision in the output stream, and
// the strikes and ladder steps are exactly those one pass of `hush run` on a memory store gives
// (the oracle): per member and ladder the same strike numbers, the same violations, each step
// applied as many times.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type AsyncStore } from '../../runtime/index.ts';
import { RedisServer } from '../../runtime/store/testing/redis-server.ts';
import { factsOfDecisions, factsOfStore } from '../../runtime/testing/ladder-facts.ts';
import { ladderPolicy } from '../../runtime/testing/ladder-policy.ts';
import { mulberry32 } from '../../scripts/seeded.ts';
import type { CliIO } from '../io.ts';
import { main } from '../main.ts';
import { runRun } from './run.ts';

const HUSH = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/hush.js');
const MEMBERS = ['m-1', 'm-2', 'm-3'];
const PER_MEMBER = 40;
const STEPS = 60;
const LADDERS = ['abuse', 'spam'];

const dir = mkdtempSync(join(tmpdir(), 'hush-worker-'));
const policyDir = join(dir, 'policy');
let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await RedisServer.start();
  redis = new Redis(server.url);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(policyDir);
  writeFileSync(join(policyDir, 'p.policy'), ladderPolicy(STEPS));
}, 30_000);
afterAll(async () => {
  redis?.disconnect();
  await server?.down();
  rmSync(dir, { recursive: true, force: true });
});

function captureIO(): CliIO & { out: string; err: string } {
  const io = { out: '', err: '', isTTY: false, cwd: dir, stdout: (s: string) => void (io.out += s), stderr: (s: string) => void (io.err += s) };
  return io;
}

/** The stream of a test: violations of three members, interleaved, some severe, a few bad lines. */
function events(seed: number): string[] {
  const rand = mulberry32(seed);
  const out: string[] = [];
  for (let j = 0; j < PER_MEMBER; j++) {
    for (const m of MEMBERS) {
      const e = { type: 'violation', id: `${m}-${j}`, subject: m, category: rand() < 0.5 ? 'harassment' : 'spam', ...(rand() < 0.05 ? { severity: 'severe' } : {}), at: new Date(Date.UTC(2026, 10, 1, 0, j, MEMBERS.indexOf(m))).toISOString() };
      out.push(JSON.stringify(e));
    }
    if (j % 10 === 5) out.push(j % 20 === 5 ? '{"type":"violation","subject":' : JSON.stringify({ type: 'violation', subject: 'm-1', category: 'spam', at: 'yesterday' }));
  }
  return out;
}

/** What one pass decides: `hush run` on a memory store. */
async function oracle(lines: string[]): Promise<string[]> {
  const io = captureIO();
  expect(await runRun(policyDir, { engine: 'interpreter', store: 'memory' }, io, Readable.from([lines.join('\n') + '\n']))).toBe(0);
  return io.out.trimEnd().split('\n');
}

class WorkerProcess {
  readonly child: ChildProcess;
  err = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  constructor(args: string[]) {
    this.child = spawn(process.execPath, [HUSH, 'worker', policyDir, '--engine', 'interpreter', ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.err += d));
    this.exited = new Promise((done) => this.child.on('close', (code, signal) => done({ code, signal })));
  }
  async started(): Promise<void> {
    await until(async () => {
      if (this.child.exitCode !== null) throw new Error(`the worker ended: ${this.err}`);
      return /consuming /.test(this.err);
    }, 90_000);
  }
}

async function until(test: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Checks a finished run: one decision per entry, the oracle's decisions where delivered once, the oracle's state. */
async function checkExactlyOnce(stream: string, prefix: string, inputs: string[], ids: string[], on: { redis: Redis; url: string } = { redis, url: server.url }): Promise<void> {
  const out = (await on.redis.xrange(`${stream}:decisions`, '-', '+')) as [string, string[]][];
  const byEntry = new Map<string, { decision: string; deliveries: number }[]>();
  for (const [, f] of out) {
    const m = new Map<string, string>();
    for (let i = 0; i < f.length; i += 2) m.set(f[i], f[i + 1]);
    const list = byEntry.get(m.get('entry')!) ?? [];
    list.push({ decision: m.get('decision')!, deliveries: Number(m.get('deliveries')) });
    byEntry.set(m.get('entry')!, list);
  }
  expect(out.length).toBe(inputs.length);
  expect(ids.filter((id) => byEntry.get(id)?.length !== 1)).toEqual([]);
  const expected = await oracle(inputs);
  const decided = ids.map((id) => byEntry.get(id)![0].decision);
  // Error records are the oracle's; decisions agree in everything order cannot change.
  expected.forEach((line, k) => {
    if (line.startsWith('{"error"')) expect(decided[k]).toBe(line.replace(/"line":\d+/, '"line":1'));
  });
  const want = factsOfDecisions(expected, inputs);
  expect(factsOfDecisions(decided, inputs)).toEqual(want);
  const opened = await openStore(`${on.url}/0?prefix=${encodeURIComponent(prefix)}`);
  try {
    expect(await factsOfStore(opened!.store as AsyncStore, MEMBERS, LADDERS)).toEqual(want);
  } finally {
    await opened!.store.close();
  }
}

async function feed(stream: string, inputs: string[], client: Redis = redis): Promise<string[]> {
  const ids: string[] = [];
  for (let k = 0; k < inputs.length; k += 1000) {
    const p = client.pipeline();
    for (const e of inputs.slice(k, k + 1000)) p.xadd(stream, '*', 'event', e);
    for (const [err, id] of (await p.exec())!) {
      if (err) throw err;
      ids.push(id as string);
    }
  }
  return ids;
}

describe('hush worker: options', () => {
  const cases: [string[], RegExp][] = [
    [[], /hush\/worker\/bad-option: --stream is required/],
    [['--stream', 'redis://127.0.0.1/3'], /hush\/worker\/bad-stream: .*all digits/],
    [['--stream', 'redis://127.0.0.1:70000/ev'], /hush\/worker\/bad-stream: .*port 70000/],
    [['--stream', 'redis://127.0.0.1/ev', '--claim-after', '30'], /hush\/worker\/bad-option: --claim-after/],
    [['--stream', 'redis://127.0.0.1/ev', '--count', '0'], /hush\/worker\/bad-option: --count/],
    [['--stream', 'redis://127.0.0.1/ev', '--group', 'a b'], /hush\/worker\/bad-option: --group/],
    [['--stream', 'redis://127.0.0.1/ev', '--store', 'memory'], /hush\/worker\/bad-option: --store memory/],
  ];
  for (const [args, why] of cases) {
    it(`refuses ${args.join(' ') || 'no --stream'} (exit 2)`, async () => {
      const io = captureIO();
      expect(await main(['node', 'hush', 'worker', policyDir, ...args], io)).toBe(2);
      expect(io.err).toMatch(why);
    });
  }

  it('hush serve --enqueue refuses a bad stream URL and --enqueue-max alone (exit 2)', async () => {
    const io = captureIO();
    expect(await main(['node', 'hush', 'serve', policyDir, '--listen', '127.0.0.1:0', '--enqueue', 'redis://127.0.0.1/1/2/3'], io)).toBe(2);
    expect(io.err).toMatch(/hush\/worker\/bad-stream: .*3 segments/);
    const io2 = captureIO();
    expect(await main(['node', 'hush', 'serve', policyDir, '--listen', '127.0.0.1:0', '--enqueue-max', '5'], io2)).toBe(2);
    expect(io2.err).toMatch(/--enqueue-max needs --enqueue/);
  });

  it('refuses a stream key that is not a stream (exit 2)', async () => {
    await redis.set('not-a-stream', 'x');
    const io = captureIO();
    expect(await main(['node', 'hush', 'worker', policyDir, '--engine', 'interpreter', '--stream', `${server.url}/0/not-a-stream`, '--store', `${server.url}/0?prefix=opt:`], io)).toBe(2);
    expect(io.err).toMatch(/hush\/worker\/not-a-stream/);
  });
});

describe('hush worker: faults', () => {
  const kill = { stream: 'kill:events', prefix: 'kill:state:' };
  const stall = { stream: 'stall:events', prefix: 'stall:state:' };
  const args = (t: { stream: string; prefix: string }, consumer: string, count: number) => ['--stream', `${server.url}/0/${t.stream}`, '--store', `${server.url}/0?prefix=${encodeURIComponent(t.prefix)}`, '--claim-after', '1s', '--consumer', consumer, '--count', String(count)];
  let a: WorkerProcess;
  let b: WorkerProcess;
  let w: WorkerProcess;
  let r: WorkerProcess;
  // A second private server that keeps its data (AOF, fsync on every write): restarted mid-stream.
  const durable = { port: 0, dir: join(dir, 'aof'), child: null as ChildProcess | null, url: '' };
  const durableUp = async () => {
    durable.child = spawn('redis-server', ['--port', String(durable.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', durable.dir], { stdio: 'ignore' });
    await until(async () => {
      const c = new Redis(durable.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      c.on('error', () => undefined);
      try {
        await c.connect();
        return (await c.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        c.disconnect();
      }
    });
  };
  let durableRedis: Redis;
  // All four start together: starting a process is most of the time these tests take.
  beforeAll(async () => {
    const { mkdirSync } = await import('node:fs');
    const { createServer } = await import('node:net');
    mkdirSync(durable.dir);
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, '127.0.0.1', done));
    durable.port = (probe.address() as { port: number }).port;
    await new Promise<void>((done) => probe.close(() => done()));
    durable.url = `redis://127.0.0.1:${durable.port}`;
    await durableUp();
    durableRedis = new Redis(durable.url);
    durableRedis.on('error', () => undefined);
    a = new WorkerProcess(args(kill, 'a', 50));
    b = new WorkerProcess(args(kill, 'b', 4));
    w = new WorkerProcess(args(stall, 'w', 4));
    r = new WorkerProcess(['--stream', `${durable.url}/0/restart:events`, '--store', `${durable.url}/0?prefix=restart:state:`, '--claim-after', '1s', '--consumer', 'r', '--count', '4']);
    await Promise.all([a.started(), b.started(), w.started(), r.started()]);
  }, 100_000);
  afterAll(async () => {
    for (const p of [a, b, w, r]) if (p && p.child.exitCode === null) p.child.kill('SIGKILL');
    durableRedis?.disconnect();
    durable.child?.kill('SIGKILL');
  });

  it('loses and doubles nothing when a worker is killed with SIGKILL mid-stream', async () => {
    const { stream, prefix } = kill;
    const inputs = events(1);
    const ids = await feed(stream, inputs);
    await until(async () => (await redis.xlen(`${stream}:decisions`)) >= 20);
    a.child.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');
    // The killed worker held entries it had read and not finished.
    const held = (await redis.xpending(stream, 'hush', '-', '+', 1000, 'a')) as unknown[];
    expect(held.length).toBeGreaterThan(0);
    // b takes them over once idle for 1 s, and finishes the stream.
    await until(async () => (await redis.xlen(`${stream}:decisions`)) >= inputs.length && ((await redis.xpending(stream, 'hush')) as [number])[0] === 0);
    b.child.kill('SIGTERM');
    expect((await b.exited).code).toBe(0);
    expect(b.err).toMatch(/took over \d+ pending entries/);
    await checkExactlyOnce(stream, prefix, inputs, ids);
  }, 30_000);

  it('does not acknowledge while Redis is stalled past the timeouts, and finishes exactly once', async () => {
    const { stream, prefix } = stall;
    const inputs = events(2);
    const ids = await feed(stream, inputs);
    // Stalled while the worker has a backlog, with commands in flight: they time out. The stall
    // outlasts the longest timeout, the read's (its 2 s block plus 2 s): at 3 s, a stall that
    // began with only the read in flight ended before the read timed out, and nothing was retried.
    await until(async () => (await redis.xlen(`${stream}:decisions`)) >= 10);
    await server.stall(6000);
    const during = await redis.xlen(`${stream}:decisions`);
    expect(during).toBeLessThan(inputs.length);
    await until(async () => (await redis.xlen(`${stream}:decisions`)) >= inputs.length && ((await redis.xpending(stream, 'hush')) as [number])[0] === 0, 30_000);
    w.child.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
    // It timed out and retried (the store's or the stream's commands), then went on.
    expect(w.err).toMatch(/warn: hush\/(store|worker)\/unreachable: .*retrying/);
    await checkExactlyOnce(stream, prefix, inputs, ids);
  }, 40_000);

  it('loses and doubles nothing when a Redis that keeps its data is restarted mid-stream', async () => {
    const stream = 'restart:events';
    const inputs = events(3);
    const ids = await feed(stream, inputs, durableRedis);
    await until(async () => (await durableRedis.xlen(`${stream}:decisions`)) >= 10);
    const exited = new Promise((done) => durable.child!.once('exit', done));
    durable.child!.kill('SIGKILL');
    await exited;
    await new Promise((done) => setTimeout(done, 300));
    await durableUp();
    await until(async () => {
      try {
        return (await durableRedis.xlen(`${stream}:decisions`)) >= inputs.length && ((await durableRedis.xpending(stream, 'hush')) as [number])[0] === 0;
      } catch {
        return false;
      }
    }, 30_000);
    r.child.kill('SIGTERM');
    expect((await r.exited).code).toBe(0);
    expect(r.err).toMatch(/retrying/);
    await checkExactlyOnce(stream, 'restart:state:', inputs, ids, { redis: durableRedis, url: durable.url });
  }, 40_000);
});
