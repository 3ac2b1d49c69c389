// `hush worker` (node bin/hush.js, real processes) with its state on a Redis Cluster whose master
// is restarted mid-stream (spec/deploy.md §3, "A master that restarts"). The test starts its own
// three-master cluster on free ports (runtime/store/testing/redis-cluster-server.ts), never the
// shared one of scripts/redis-cluster.sh, and the input and output streams on a private
// redis-server. The master killed (SIGKILL) is the one owning the keyspace's version and main
// epoch and some members' strikes.
//
// - With an append-only file fsynced on every write, the master comes back with its data: the
//   worker waits it out, and afterwards every entry has exactly one decision in the output stream
//   and the strikes and ladder steps are those one pass of `hush run` on a memory store gives.
// - Without its data (a master without persistence or replica), the worker stops (exit 1,
//   hush/store/lost) at the first event whose keys live on the restarted master, at the latest
//   the first event of a member there: no strike numbered again from one, the entry left
//   pending, and a new worker on the same state refuses to start over (exit 2).
//
// Skipped, saying why, when redis-server or redis-cli is not installed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type AsyncStore } from '../../runtime/index.ts';
import { RedisClusterServer, redisClusterMissing } from '../../runtime/store/testing/redis-cluster-server.ts';
import { RedisServer } from '../../runtime/store/testing/redis-server.ts';
import { factsOfDecisions, factsOfStore } from '../../runtime/testing/ladder-facts.ts';
import { ladderPolicy } from '../../runtime/testing/ladder-policy.ts';
import { mulberry32 } from '../../scripts/seeded.ts';
import type { CliIO } from '../io.ts';
import { runRun } from './run.ts';

const HUSH = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/hush.js');
// Spread over the three masters by their hash tags ({u:m-1} and {u:m-5} share the slot range of
// the keyspace's version key, {-}); the first ones of each round live elsewhere.
const MEMBERS = ['m-2', 'm-4', 'm-1', 'm-3', 'm-5', 'm-6'];
const ROUNDS = 16;
const STEPS = 40;
const LADDERS = ['abuse', 'spam'];

const missing = redisClusterMissing();
if (missing) console.warn(`the Redis Cluster fault tests are skipped: ${missing}`);

/** Rounds [from, to) of violations of every member, some severe. */
function events(seed: number, from: number, to: number): string[] {
  const rand = mulberry32(seed);
  const out: string[] = [];
  for (let j = 0; j < to; j++) {
    for (const [k, m] of MEMBERS.entries()) {
      const e = { type: 'violation', id: `${m}-${j}`, subject: m, category: rand() < 0.5 ? 'harassment' : 'spam', ...(rand() < 0.05 ? { severity: 'severe' } : {}), at: new Date(Date.UTC(2026, 10, 1, 0, j, k)).toISOString() };
      if (j >= from) out.push(JSON.stringify(e));
    }
  }
  return out;
}

async function until(test: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(missing !== null)(`hush worker on a Redis Cluster whose master restarts${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hush-worker-cluster-'));
  const policyDir = join(dir, 'policy');
  let cluster: RedisClusterServer;
  let server: RedisServer;
  let redis: Redis;
  /** The master holding the keyspace's version key, killed in both tests. */
  let victim: number;
  let onVictim: string[];
  const workers: WorkerProcess[] = [];

  class WorkerProcess {
    readonly child: ChildProcess;
    err = '';
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    constructor(stream: string, prefix: string, consumer: string) {
      const args = ['worker', policyDir, '--engine', 'interpreter', '--stream', `${server.url}/0/${stream}`, '--store', `${cluster.url}?prefix=${encodeURIComponent(prefix)}`, '--claim-after', '1s', '--consumer', consumer, '--count', '4'];
      this.child = spawn(process.execPath, [HUSH, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
      this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.err += d));
      this.exited = new Promise((done) => this.child.on('close', (code, signal) => done({ code, signal })));
      workers.push(this);
    }
    async started(): Promise<void> {
      await until(() => {
        if (this.child.exitCode !== null) throw new Error(`the worker ended: ${this.err}`);
        return /consuming /.test(this.err);
      }, 60_000);
    }
  }

  let durable: WorkerProcess;
  let lost: WorkerProcess;

  beforeAll(async () => {
    mkdirSync(policyDir);
    writeFileSync(join(policyDir, 'p.policy'), ladderPolicy(STEPS));
    [cluster, server] = await Promise.all([RedisClusterServer.start({ persistent: true }), RedisServer.start()]);
    redis = new Redis(server.url);
    victim = await cluster.masterOf('{-}version');
    onVictim = [];
    for (const m of MEMBERS) if ((await cluster.masterOf(`{u:${m}}`)) === victim) onVictim.push(m);
    // Starting a process is most of the time these tests take: both at once.
    durable = new WorkerProcess('durable:events', 'durable:', 'd');
    lost = new WorkerProcess('lost:events', 'lost:', 'l');
    await Promise.all([durable.started(), lost.started()]);
  }, 90_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    redis?.disconnect();
    await Promise.all([cluster?.stop(), server?.down()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const feed = async (stream: string, inputs: string[]): Promise<string[]> => {
    const p = redis.pipeline();
    for (const e of inputs) p.xadd(stream, '*', 'event', e);
    return (await p.exec())!.map(([err, id]) => {
      if (err) throw err;
      return id as string;
    });
  };

  /** The output stream: entry id → its decisions, in order. */
  const decisions = async (stream: string): Promise<Map<string, string[]>> => {
    const out = (await redis.xrange(`${stream}:decisions`, '-', '+')) as [string, string[]][];
    const by = new Map<string, string[]>();
    for (const [, f] of out) {
      const m = new Map<string, string>();
      for (let i = 0; i < f.length; i += 2) m.set(f[i], f[i + 1]);
      by.set(m.get('entry')!, [...(by.get(m.get('entry')!) ?? []), m.get('decision')!]);
    }
    return by;
  };

  /** What one pass decides: `hush run` on a memory store. */
  const oracle = async (lines: string[]): Promise<string[]> => {
    const io: CliIO & { out: string } = { out: '', isTTY: false, cwd: dir, stdout: (s: string) => void (io.out += s), stderr: () => undefined };
    expect(await runRun(policyDir, { engine: 'interpreter', store: 'memory' }, io, Readable.from([lines.join('\n') + '\n']))).toBe(0);
    return io.out.trimEnd().split('\n');
  };

  const pending = async (stream: string) => ((await redis.xpending(stream, 'hush')) as [number])[0];

  it('the killed master holds the version key and some members, not all', () => {
    expect(onVictim.length).toBeGreaterThan(0);
    expect(onVictim.length).toBeLessThan(MEMBERS.length);
  });

  it('decides every event exactly once, strikes exact, when a master that keeps its data (AOF, fsync always) is killed and restarted mid-stream', async () => {
    const stream = 'durable:events';
    const first = events(1, 0, ROUNDS / 2);
    const second = events(1, ROUNDS / 2, ROUNDS);
    const inputs = [...first, ...second];
    const ids = await feed(stream, first);
    await until(async () => (await redis.xlen(`${stream}:decisions`)) >= 10);
    await cluster.kill(victim);
    // The rest arrives while the master is down: the worker cannot decide its members' events.
    ids.push(...(await feed(stream, second)));
    await new Promise((r) => setTimeout(r, 800));
    expect(await redis.xlen(`${stream}:decisions`)).toBeLessThan(inputs.length);
    await cluster.restart(victim);
    await until(async () => (await redis.xlen(`${stream}:decisions`)) >= inputs.length && (await pending(stream)) === 0, 30_000);
    durable.child.kill('SIGTERM');
    expect((await durable.exited).code, durable.err).toBe(0);
    expect(durable.err).toMatch(/hush\/store\/(unreachable|failed): .*retrying/);

    const by = await decisions(stream);
    expect(ids.filter((id) => by.get(id)?.length !== 1)).toEqual([]);
    expect([...by.keys()].filter((id) => !ids.includes(id))).toEqual([]);
    const want = factsOfDecisions(await oracle(inputs), inputs);
    expect(factsOfDecisions(ids.map((id) => by.get(id)![0]), inputs)).toEqual(want);
    const opened = await openStore(`${cluster.url}?prefix=durable:`);
    try {
      expect(await factsOfStore(opened!.store as AsyncStore, MEMBERS, LADDERS)).toEqual(want);
    } finally {
      await opened!.store.close();
    }
  }, 45_000);

  it('stops with hush/store/lost, deciding nothing on lost state, when a master without its data restarts; a new worker refuses too', async () => {
    const stream = 'lost:events';
    const first = events(2, 0, ROUNDS / 2);
    const second = events(2, ROUNDS / 2, ROUNDS);
    const inputs = [...first, ...second];
    const ids = await feed(stream, first);
    await until(async () => (await redis.xlen(`${stream}:decisions`)) >= first.length && (await pending(stream)) === 0);
    await cluster.kill(victim);
    await cluster.restart(victim, { empty: true });
    ids.push(...(await feed(stream, second)));
    const end = await lost.exited;
    expect(end.code, lost.err).toBe(1);
    expect(lost.err).toMatch(/hush\/store\/lost: .*stopped, no later event was decided/);

    // One worker decides in stream order: what it decided is a prefix of the stream, each entry
    // once: the first half, and at most the events before the first of a member on the restarted
    // master (an event of another member stops it too when one of its keys lives there: a new
    // sanction's id index, {i:<id>}, lies in any slot).
    const by = await decisions(stream);
    const n = ids.findIndex((id) => !by.has(id));
    expect(ids.slice(n).filter((id) => by.has(id))).toEqual([]);
    expect([...by.values()].filter((d) => d.length !== 1)).toEqual([]);
    const firstLost = first.length + second.findIndex((e) => onVictim.includes((JSON.parse(e) as { subject: string }).subject));
    expect(firstLost).toBeGreaterThan(first.length);
    expect(n).toBeGreaterThanOrEqual(first.length);
    expect(n).toBeLessThanOrEqual(firstLost);
    // Its decisions are exactly one pass's: no strike numbered again from one.
    const decided = ids.slice(0, n).map((id) => by.get(id)![0]);
    expect(factsOfDecisions(decided, inputs)).toEqual(factsOfDecisions((await oracle(inputs)).slice(0, n), inputs));
    // The entry it stopped at, and those it held, stay pending for when the state is repaired.
    expect(await pending(stream)).toBeGreaterThan(0);

    // A new worker on the same state: the restarted master held the version key, so it begins a
    // new keyspace there, and the other masters' copies of the old epoch stop it at start (exit 2,
    // as any store that cannot be opened).
    const again = new WorkerProcess(stream, 'lost:', 'l2');
    const next = await again.exited;
    expect(next.code, again.err).toBe(2);
    expect(again.err).toMatch(/hush\/store\/lost: .*holds the epoch of another keyspace/);
    expect((await decisions(stream)).size).toBe(n);
  }, 60_000);
});
