// Every decision case on every store: the cases of spec/decisions/ (flood windows, mutes,
// blacklists, joins, ladders, appeals, quotas) decided with the reference interpreter on a real
// SQLite file and on a real Redis (through the asynchronous engine) must give exactly the
// expected lines that the in-memory store gives (spec/decisions.test.ts). Needs a Redis at
// REDIS_URL (default redis://127.0.0.1:6379); `.ci/run` starts one.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decideLine, decideLineAsync } from '../runtime/index.ts';
import { policySetToIr } from '../compiler/lower/policy-set-to-ir.ts';
import { createAsyncEngine, createEngine } from '../runtime/engine/engine.ts';
import { interpretIr } from '../runtime/policy/interpreter.ts';
import { RedisStore } from '../runtime/store/redis-store.ts';
import { SqliteStore } from '../runtime/store/sqlite-store.ts';
import { CLOCK, decisionCases, decisionsDir } from './decisions-runner.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const tmp = mkdtempSync(join(tmpdir(), 'hush-decisions-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const run = `${process.pid}-${Date.now()}`;

function loadCase(name: string) {
  const root = join(decisionsDir, name);
  const r = policySetToIr(['.'], { cwd: root });
  if (!r.ir) throw new Error(`${name}: the policy has errors`);
  const lines = readFileSync(join(root, 'events.jsonl'), 'utf8').replace(/\n$/, '').split('\n');
  const want = readFileSync(join(root, 'expected.jsonl'), 'utf8').replace(/\n$/, '').split('\n');
  return { policy: interpretIr(r.ir), lines, want };
}

function compare(name: string, got: string[], lines: string[], want: string[]) {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(JSON.parse(g), `${name}/events.jsonl line ${i + 1}: ${lines[i]}`).toEqual(JSON.parse(want[i])));
}

describe('decision cases on SQLite', () => {
  for (const c of decisionCases) {
    it(c, () => {
      const { policy, lines, want } = loadCase(c);
      const store = new SqliteStore(join(tmp, `${c}.db`));
      try {
        const engine = createEngine(policy, { store, clock: CLOCK });
        compare(c, lines.map((l, i) => decideLine(engine, l, i + 1, CLOCK)), lines, want);
      } finally {
        store.close();
      }
    });
  }
});

describe('decision cases on Redis (asynchronous engine)', () => {
  for (const c of decisionCases) {
    it(c, async () => {
      const { policy, lines, want } = loadCase(c);
      let store: RedisStore;
      try {
        store = await RedisStore.connect(REDIS_URL, { prefix: `hush:test:decisions:${run}:${c}:` });
      } catch (e) {
        throw new Error(`no Redis at ${REDIS_URL} (start one: redis-server --port 6379 --bind 127.0.0.1 --daemonize yes): ${(e as Error).message}`);
      }
      try {
        const engine = createAsyncEngine(policy, { store, clock: CLOCK });
        const got: string[] = [];
        for (let i = 0; i < lines.length; i++) got.push(await decideLineAsync(engine, lines[i], i + 1, CLOCK));
        compare(c, got, lines, want);
      } finally {
        await store.deleteAll();
        await store.close();
      }
    });
  }
});

// The same on a Redis Cluster (REDIS_CLUSTER_URL; scripts/redis-cluster.sh start, which .ci/run
// does): one keyspace for every case, its state deleted after each. Skipped, and said so, without.
const REDIS_CLUSTER_URL = process.env.REDIS_CLUSTER_URL || undefined;
if (!REDIS_CLUSTER_URL) console.warn('REDIS_CLUSTER_URL is not set: the decision cases on a Redis Cluster are skipped (scripts/redis-cluster.sh start)');
describe.skipIf(!REDIS_CLUSTER_URL)('decision cases on a Redis Cluster (asynchronous engine)', () => {
  for (const c of decisionCases) {
    it(c, async () => {
      const { policy, lines, want } = loadCase(c);
      const store = await RedisStore.connect(REDIS_CLUSTER_URL!, { prefix: `hush:test:decisions-cluster:${run}:` });
      try {
        const engine = createAsyncEngine(policy, { store, clock: CLOCK });
        const got: string[] = [];
        for (let i = 0; i < lines.length; i++) got.push(await decideLineAsync(engine, lines[i], i + 1, CLOCK));
        compare(c, got, lines, want);
      } finally {
        await store.deleteAll(true);
        await store.close();
      }
    });
  }
  afterAll(async () => {
    const store = new RedisStore(REDIS_CLUSTER_URL!, { prefix: `hush:test:decisions-cluster:${run}:` });
    await store.deleteAll();
    await store.close();
  });
});
