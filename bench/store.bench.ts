// The state-store benchmark: decisions per second through the engine (generated code, as `hush
// run` loads it) on each store: in memory, a SQLite file (the embedded default, and with
// `synchronous: 'full'`), and Redis (one event in flight, as one `hush run` worker decides a
// stream, and 32 in flight, as a service answering concurrent requests on one connection). Two
// workloads: reported violations climbing a ladder (a strike and a sanction per violation, each
// one atomic store operation), and chat messages in groups with a flood trigger (every message
// recorded in its flood window, blacklists and mutes looked up, a keyword message recorded on
// the ladder). Each figure is the median of three rounds on a fresh store.
//
//   node bin/run-ts.js bench/store.bench.ts [--results] [--scale X]
//
// `--results` rewrites the "## State stores" section of bench/RESULTS.md; `--scale` multiplies
// the event counts (default 1, about 30-60 s in all). Redis is REDIS_URL (default
// redis://127.0.0.1:6379); without one the Redis rows say so and the rest is measured.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCompiledPolicy } from '../compiler/codegen/load-module.ts';
import { policySetToIr } from '../compiler/lower/policy-set-to-ir.ts';
import type { CompiledPolicy } from '../runtime/policy/compiled-policy.ts';
import { createAsyncEngine, createEngine, isEventError, type Decision, type EventError } from '../runtime/engine/engine.ts';
import { MemoryStore } from '../runtime/store/memory-store.ts';
import { RedisStore } from '../runtime/store/redis-store.ts';
import { SqliteStore } from '../runtime/store/sqlite-store.ts';
import type { AsyncStore, Store } from '../runtime/store/store.ts';
import { mulberry32 } from '../scripts/seeded.ts';
import { writeResultsSection } from './results-file.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROUNDS = 3;
const T0 = Date.parse('2026-11-01T00:00:00Z');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const SCALE = arg('--scale', 1);

const GROUPS = 200;
const POLICY = `
enterprise "acme"
limits "wecom-4.1.36"

rule "chat" {
  owner super-admin "zhang.wei"
  groups ${Array.from({ length: GROUPS }, (_, i) => `"g-${i}"`).join(', ')}
  keywords "加微信", "代购", "优惠券"
  when keyword then warn "请勿发送广告", remove, record harassment
  when flood 5 in 10s then mute 30m
}

ladder "interop-abuse" {
  counts harassment, inducing-share, contact-abuse
  step 1: suspend interop for 1h, appealable
  step 2: suspend interop for 24h
  step 3: suspend interop forever
  severe: ban member forever, ban admin, ban enterprise
  expire after 30d
}
`;

/** Violations of 20,000 members, one a second, 2% severe. */
function violations(n: number, seed: number): unknown[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => ({
    type: 'violation',
    id: `v-${seed}-${i}`,
    subject: `m-${Math.floor(rand() * 20_000)}`,
    category: rand() < 0.5 ? 'harassment' : 'contact-abuse',
    ...(rand() < 0.02 ? { severity: 'severe' } : {}),
    at: T0 + i * 1000,
  }));
}

const TEXTS = ['今天的活动几点开始？', '谢谢大家的支持', '有没有人知道怎么退货', '这个优惠券还能用吗', '周末见', '请问群主在吗', '收到，谢谢', '加微信领优惠券，代购正品'];

/** Chat messages: 20 a second over 200 groups of 50 active customers; some senders burst. */
function messages(n: number, seed: number): unknown[] {
  const rand = mulberry32(seed);
  const out: unknown[] = [];
  let at = T0;
  while (out.length < n) {
    const g = Math.floor(rand() * GROUPS);
    const sender = `c-${g}-${Math.floor(rand() * 50)}`;
    // One message in ten starts a burst of up to 7 from the same sender, a second apart.
    const burst = rand() < 0.1 ? 1 + Math.floor(rand() * 7) : 1;
    for (let k = 0; k < burst && out.length < n; k++) {
      at += 50;
      const text = TEXTS[Math.floor(rand() * (rand() < 0.05 ? TEXTS.length : TEXTS.length - 1))];
      out.push({ type: 'message', id: `msg-${seed}-${out.length}`, group: `g-${g}`, sender: { id: sender, kind: 'customer' }, text, at: at + k * 1000 });
    }
  }
  return out;
}

interface Opened {
  sync?: Store;
  async?: AsyncStore;
  dispose(): Promise<void>;
}

interface Config {
  name: string;
  /** Events per round, per workload. */
  events: number;
  /** Events in flight at once (async stores). */
  inFlight?: number;
  open(): Promise<Opened>;
}

const scratch = mkdtempSync(join(tmpdir(), 'hush-store-bench-'));
let files = 0;

function sqlite(synchronous: 'normal' | 'full'): () => Promise<Opened> {
  return async () => {
    const dir = join(scratch, `db-${++files}`);
    mkdirSync(dir);
    const store = new SqliteStore(join(dir, 'state.db'), { synchronous });
    return {
      sync: store,
      dispose: async () => {
        store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

function redis(): () => Promise<Opened> {
  return async () => {
    const store = await RedisStore.connect(REDIS_URL, { prefix: `hush:bench:${randomBytes(6).toString('hex')}:` });
    return {
      async: store,
      dispose: async () => {
        await store.deleteAll();
        await store.close();
      },
    };
  };
}

interface Measured {
  perSecond: number;
  notAllowed: number;
}

async function round(policy: CompiledPolicy, config: Config, events: unknown[]): Promise<Measured> {
  const opened = await config.open();
  let notAllowed = 0;
  const count = (d: Decision | EventError) => {
    if (isEventError(d)) throw new Error(`bad benchmark event: ${JSON.stringify(d)}`);
    if (!d.allowed) notAllowed++;
  };
  let ms: number;
  try {
    if (opened.sync) {
      const engine = createEngine(policy, { store: opened.sync });
      const t = performance.now();
      for (const e of events) count(engine.evaluate(e));
      ms = performance.now() - t;
    } else {
      const engine = createAsyncEngine(policy, { store: opened.async! });
      const inFlight = config.inFlight ?? 1;
      const t = performance.now();
      if (inFlight === 1) {
        for (const e of events) count(await engine.evaluate(e));
      } else {
        let next = 0;
        const lane = async () => {
          while (next < events.length) count(await engine.evaluate(events[next++]));
        };
        await Promise.all(Array.from({ length: inFlight }, lane));
      }
      ms = performance.now() - t;
    }
  } finally {
    await opened.dispose();
  }
  return { perSecond: (events.length / ms) * 1000, notAllowed: notAllowed / events.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (x: number) => `${Math.round(x).toLocaleString('en-US')}/s`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

async function redisAnswers(): Promise<string | null> {
  try {
    const s = await RedisStore.connect(REDIS_URL, { prefix: 'hush:bench:probe:' });
    await s.close();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hush-store-bench-policy-'));
  writeFileSync(join(dir, 'bench.policy'), POLICY);
  const r = policySetToIr(['.'], { cwd: dir });
  rmSync(dir, { recursive: true, force: true });
  if (!r.ir) throw new Error(`the benchmark policy has errors: ${r.diagnostics.map((d) => d.code).join(', ')}`);
  const policy = await loadCompiledPolicy(r.ir);

  const n = (x: number) => Math.max(100, Math.round(x * SCALE));
  const noRedis = await redisAnswers();
  const configs: Config[] = [
    { name: 'memory (MemoryStore)', events: n(100_000), open: async () => ({ sync: new MemoryStore(), dispose: async () => {} }) },
    { name: 'SQLite file (SqliteStore, default: WAL, synchronous normal)', events: n(20_000), open: sqlite('normal') },
    { name: 'SQLite file, synchronous full (fsync per operation)', events: n(1_500), open: sqlite('full') },
    { name: 'Redis (RedisStore), 1 event in flight', events: n(5_000), open: redis() },
    { name: 'Redis (RedisStore), 32 events in flight', events: n(20_000), inFlight: 32, open: redis() },
  ];

  const rows: string[][] = [];
  for (const config of configs) {
    if (config.name.startsWith('Redis') && noRedis !== null) {
      rows.push([config.name, 'not measured', '', 'not measured', '', noRedis]);
      process.stdout.write(`${config.name}: not measured (${noRedis})\n`);
      continue;
    }
    const v: Measured[] = [];
    const m: Measured[] = [];
    for (let k = 0; k < ROUNDS; k++) {
      v.push(await round(policy, config, violations(config.events, k + 1)));
      m.push(await round(policy, config, messages(config.events, k + 1)));
    }
    const row = [config.name, rate(median(v.map((x) => x.perSecond))), pct(median(v.map((x) => x.notAllowed))), rate(median(m.map((x) => x.perSecond))), pct(median(m.map((x) => x.notAllowed))), `${config.events.toLocaleString('en-US')} events per workload, median of ${ROUNDS}`];
    rows.push(row);
    process.stdout.write(`${row[0]}: violations ${row[1]}, messages ${row[3]}\n`);
  }
  rmSync(scratch, { recursive: true, force: true });

  const cpu = cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  const section = [
    '## State stores',
    '',
    `\`node bin/run-ts.js bench/store.bench.ts --results\`; ${cpu} (${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} at the end), Node ${process.version}, Redis at ${REDIS_URL.replace(/\/\/[^@/]*@/, '//')} on the same machine.`,
    'Decisions per second through the engine (generated code) on each store, each round on a fresh store.',
    '*Violations*: reported violations of 20,000 members on a 3-step ladder with a severe line and `expire after 30d`',
    '(per violation one atomic strike and one or three sanction inserts). *Messages*: customers\' chat messages in 200',
    'groups under a rule with 3 keywords and `flood 5 in 10s then mute 30m` (every message recorded in its flood window;',
    'blacklists and mute looked up; a keyword message removed and recorded on the ladder; bursts trip the flood).',
    '',
    '| store | violations | not allowed | messages | not allowed | run |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ].join('\n');
  process.stdout.write('\n' + section + '\n');
  if (process.argv.includes('--results')) {
    writeResultsSection(ROOT, '## State stores', section);
    process.stdout.write('wrote the "## State stores" section of bench/RESULTS.md\n');
  }
}

await main();
