// Many workers on one Redis: 8 worker processes, started together, record violations of the same
// few members at the same time through the asynchronous engine. Afterwards each member's strikes
// on each ladder are numbered exactly 1..N (N = the violations sent that the ladder counts), the
// decisions printed gave out each number once, and each step was applied once, by the violation
// whose strike reached it (the last step once per strike past it): no increment lost, no step
// applied twice. Needs a Redis at REDIS_URL (default redis://127.0.0.1:6379) and fails without;
// runs again on the Redis Cluster at REDIS_CLUSTER_URL when set (scripts/redis-cluster.sh start).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../scripts/seeded.ts';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import type { Decision } from '../engine/engine.ts';
import { RedisStore } from './redis-store.ts';
import { ladderPolicy } from '../testing/ladder-policy.ts';
import { redisClusterUrl, redisUrl, requireRedis } from './testing/redis.ts';
import { spawnWorker, type Worker } from '../testing/spawn-worker.ts';

const WORKERS = 8;
const MEMBERS = ['m-1', 'm-2', 'm-3'];
const PER_MEMBER = 20;
const STEPS = 20;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const LADDERS = ['abuse', 'spam'] as const;

const url = redisUrl();
const prefix = `hush:test:${randomBytes(6).toString('hex')}:workers:`;
const clusterUrl = redisClusterUrl();
const clusterPrefix = `hush:test:${randomBytes(6).toString('hex')}:workers-cluster:`;
const dir = mkdtempSync(join(tmpdir(), 'hush-redis-workers-'));

beforeAll(async () => {
  await requireRedis(url);
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const s = new RedisStore(url, { prefix });
  await s.deleteAll().catch(() => undefined);
  await s.close();
  if (clusterUrl) {
    const c = new RedisStore(clusterUrl, { prefix: clusterPrefix });
    await c.deleteAll().catch(() => undefined);
    await c.close();
  }
});

interface Violation {
  type: 'violation';
  id: string;
  subject: string;
  category: 'harassment' | 'spam';
  at: string;
}

/** Worker w's stream: PER_MEMBER violations of each member, interleaved. */
function stream(w: number): Violation[] {
  const rand = mulberry32(100 + w);
  const out: Violation[] = [];
  for (let j = 0; j < PER_MEMBER; j++) {
    for (const m of MEMBERS) {
      out.push({ type: 'violation', id: `w${w}-${m}-${j}`, subject: m, category: rand() < 0.5 ? 'harassment' : 'spam', at: new Date(T0 + j * 1000 + w).toISOString() });
    }
  }
  return out;
}

describe('RedisStore under concurrent worker processes', () => {
  it('loses no increment and applies no step twice', () => workersAgree(url, prefix));
});

describe.skipIf(!clusterUrl)(`the same on a Redis Cluster (REDIS_CLUSTER_URL${clusterUrl ? '' : ' is not set: scripts/redis-cluster.sh start'})`, () => {
  it('loses no increment and applies no step twice', () => workersAgree(clusterUrl!, clusterPrefix));
});

async function workersAgree(url: string, prefix: string): Promise<void> {
  {
    const irPath = join(dir, 'ir.json');
    writeFileSync(irPath, JSON.stringify(irFromText(ladderPolicy(STEPS))));
    const streams = Array.from({ length: WORKERS }, (_, w) => stream(w));
    const store = `${url.replace(/\/?$/, '')}/?prefix=${encodeURIComponent(prefix)}`;
    const workers: Worker[] = streams.map((events, w) => {
      const path = join(dir, `events-${w}.jsonl`);
      writeFileSync(path, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
      return spawnWorker([irPath, store, path, '--wait-go']);
    });
    // All connected, then all at once.
    await Promise.all(workers.map((w) => w.waitFor((line) => line === 'ready')));
    for (const w of workers) w.child.stdin!.write('go\n');
    const ends = await Promise.all(workers.map((w) => w.done));
    ends.forEach((e, w) => expect(e.code, `worker ${w}: ${e.stderr}`).toBe(0));

    const problems: string[] = [];
    /** The strike numbers the decisions gave out, per ladder and member. */
    const given = new Map<string, number[]>();
    workers.forEach((w, k) => {
      const lines = w.lines.filter((l) => l !== 'ready');
      expect(lines).toHaveLength(streams[k].length);
      for (const line of lines) {
        const { i, decision } = JSON.parse(line) as { i: number; decision: Decision };
        for (const s of decision.strikes ?? []) {
          const key = `${s.ladder}/${streams[k][i].subject}`;
          given.set(key, [...(given.get(key) ?? []), s.strike]);
        }
      }
    });

    const s = await RedisStore.connect(url, { prefix });
    try {
      const all = streams.flat();
      for (const m of MEMBERS) {
        const sanctions = await s.sanctionsOf(m);
        for (const ladder of LADDERS) {
          const at = `${ladder}/${m}`;
          const sent = all.filter((e) => e.subject === m && (ladder === 'abuse' || e.category === 'spam'));
          const oneToN = sent.map((_, k) => k + 1).join();
          const strikes = await s.strikesOf(ladder, m);
          const ordinals = strikes.map((x) => x.ordinal).sort((a, b) => a - b).join();
          if (ordinals !== oneToN) problems.push(`${at}: strikes numbered ${ordinals}, ${sent.length} sent`);
          const printed = (given.get(at) ?? []).sort((a, b) => a - b).join();
          if (printed !== oneToN) problems.push(`${at}: decisions gave strikes ${printed}, ${sent.length} sent`);
          if (new Set(strikes.map((x) => x.violation)).size !== sent.length) problems.push(`${at}: not one strike per violation`);
          // Each step below the last applied by exactly one violation: the one whose strike reached it.
          const causes = new Map<number, string[]>();
          for (const x of sanctions.filter((y) => y.ladder === ladder)) causes.set(x.step, [...(causes.get(x.step) ?? []), x.cause]);
          for (let step = 1; step < STEPS; step++) {
            const c = causes.get(step) ?? [];
            const reached = strikes.filter((x) => x.ordinal === step).map((x) => x.violation);
            if (c.join() !== reached.join() || c.length !== 1) problems.push(`${at}: step ${step} applied by ${c.join(', ') || 'nothing'}, reached by ${reached.join(', ')}`);
          }
          // The last step again for every strike at or past it.
          const last = (causes.get(STEPS) ?? []).sort().join();
          const past = strikes.filter((x) => x.ordinal >= STEPS).map((x) => x.violation).sort().join();
          if (last !== past) problems.push(`${at}: last step applied by ${last}, strikes past it ${past}`);
          if ([...causes.keys()].some((k) => k < 1 || k > STEPS)) problems.push(`${at}: steps ${[...causes.keys()].join()}`);
        }
      }
    } finally {
      await s.close();
    }
    expect(problems.slice(0, 20)).toEqual([]);
  }
}
