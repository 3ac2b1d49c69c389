// Redis round trips per event: chat messages decided through the asynchronous engine on Redis,
// the old way and the new way side by side in one run, on the same server and workload.
//
//   stepwise  what the engine did before layout 2: one store operation (one round trip) per read
//             (enterprise, owner's and group's blacklists, the mute, the flood window, the join
//             time); `RedisStore` keeps it reachable as `{ stepwise: true }`
//   one call  `admitMessage`: every read and the flood record in one Lua script, one round trip
//
// For each: messages per second with 1 event in flight (a `hush run` worker deciding a stream)
// and 32 in flight (a service answering concurrent requests on one connection), and the Redis
// commands sent per message (each is a round trip for the stepwise path, whose operations wait
// for each other; the one-call path's message is one command, a mute or blacklist it fires sends
// its writes together). Workload: customers in 200 groups with an owner, a flood trigger and
// keywords; 2% of messages hit a keyword (remove, record on a ladder), so some pay for ladder
// writes too. Each figure is the median of three rounds on a fresh key prefix.
//
//   node bin/run-ts.js bench/redis-round-trips.bench.ts [--results] [--scale X]
//
// `--results` rewrites the "## Redis round trips" section of bench/RESULTS.md; `--scale`
// multiplies the message counts (default 1: some tens of seconds). Redis is REDIS_URL (default
// redis://127.0.0.1:6379); REDIS_CLUSTER_URL, when set, adds the same rows on the cluster.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { irFromText } from '../spec/testing/ir-from-text.ts';
import { createAsyncEngine, isEventError } from '../runtime/engine/engine.ts';
import { interpretIr } from '../runtime/policy/interpreter.ts';
import { RedisStore } from '../runtime/store/redis-store.ts';
import { mulberry32 } from '../scripts/seeded.ts';
import { writeResultsSection } from './results-file.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const REDIS_CLUSTER_URL = process.env.REDIS_CLUSTER_URL || undefined;
const ROUNDS = 3;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const GROUPS = 200;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const SCALE = arg('--scale', 1);

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
  counts harassment
  step 1: suspend interop for 1h, appealable
  step 2: suspend interop for 24h
  expire after 30d
}
`;

/** Messages of 5,000 customers in 200 groups, a message every 50 ms, 2% with a keyword. */
function messages(n: number, seed: number): unknown[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => ({
    type: 'message',
    id: `m-${seed}-${i}`,
    group: `g-${Math.floor(rand() * GROUPS)}`,
    owner: 'li.lei',
    sender: { id: `c-${Math.floor(rand() * 5000)}`, kind: 'customer' },
    text: rand() < 0.02 ? '加微信 领优惠券' : '你好，请问这个多少钱？',
    at: new Date(T0 + i * 50).toISOString(),
  }));
}

interface Row {
  path: string;
  inFlight: number;
  perSecond: number;
  commandsPerMessage: number;
}

async function measure(url: string, stepwise: boolean, inFlight: number, n: number, round: number): Promise<{ perSecond: number; commands: number }> {
  const policy = interpretIr(irFromText(POLICY));
  const store = await RedisStore.connect(url, { prefix: `hush:bench:${randomBytes(4).toString('hex')}:`, stepwise });
  try {
    const engine = createAsyncEngine(policy, { store, clock: () => T0 });
    // Warm the scripts (EVALSHA after the first EVAL) and the connection.
    for (const e of messages(50, 999)) await engine.evaluate(e);
    const events = messages(n, round);
    const before = store.commandsSent;
    const t = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < events.length) {
          const d = await engine.evaluate(events[next++]);
          if (isEventError(d)) throw new Error(JSON.stringify(d.error));
        }
      }),
    );
    const ms = performance.now() - t;
    return { perSecond: (n / ms) * 1000, commands: (store.commandsSent - before) / n };
  } finally {
    await store.deleteAll();
    await store.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function rows(url: string): Promise<Row[]> {
  const out: Row[] = [];
  for (const inFlight of [1, 32]) {
    for (const stepwise of [true, false]) {
      const n = Math.round((inFlight === 1 ? 1500 : 6000) * SCALE);
      const rounds: { perSecond: number; commands: number }[] = [];
      for (let r = 0; r < ROUNDS; r++) rounds.push(await measure(url, stepwise, inFlight, n, r + 1));
      out.push({ path: stepwise ? 'stepwise (before)' : 'one call (admitMessage)', inFlight, perSecond: median(rounds.map((x) => x.perSecond)), commandsPerMessage: median(rounds.map((x) => x.commands)) });
    }
  }
  return out;
}

function table(title: string, rs: Row[]): string {
  const lines = [`${title}:`, '', '| path | in flight | messages/s | Redis commands per message | vs before |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const r of rs) {
    const before = rs.find((x) => x.inFlight === r.inFlight && x.path.startsWith('stepwise'))!;
    lines.push(`| ${r.path} | ${r.inFlight} | ${Math.round(r.perSecond).toLocaleString('en-US')} | ${r.commandsPerMessage.toFixed(2)} | ${(r.perSecond / before.perSecond).toFixed(1)}× |`);
  }
  return lines.join('\n');
}

const sections: string[] = [];
try {
  sections.push(table(`One Redis (${REDIS_URL.replace(/\/\/[^@]*@/, '//')})`, await rows(REDIS_URL)));
} catch (e) {
  sections.push(`One Redis: not measured (${(e as Error).message})`);
}
if (REDIS_CLUSTER_URL) {
  try {
    sections.push(table('Redis Cluster (three masters on the loopback)', await rows(REDIS_CLUSTER_URL)));
  } catch (e) {
    sections.push(`Redis Cluster: not measured (${(e as Error).message})`);
  }
}
const text = [
  '## Redis round trips',
  '',
  `Messages through the asynchronous engine on Redis (bench/redis-round-trips.bench.ts), median of ${ROUNDS} rounds; ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} when it ended. "stepwise" is the engine's old sequence of store operations (one round trip each); "one call" is \`admitMessage\`, one Lua script.`,
  '',
  sections.join('\n\n'),
  '',
].join('\n');
console.log(text);
if (process.argv.includes('--results')) writeResultsSection(ROOT, '## Redis round trips', text);
