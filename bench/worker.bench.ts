// `hush worker` throughput: decisions per second with 1, 2 and 4 worker processes (real `hush
// worker` processes, the compiled policy) on one private redis-server, and what predicts the
// scaling on more cores:
//
//   - round trips per event: Redis commands the workers sent (INFO commandstats, calls), divided
//     by the events decided. Every store operation is one EVALSHA and the worker pipelines
//     nothing, so a command is a round trip (a blocking XREADGROUP serves a batch of `--count`);
//   - Redis CPU per event: used_cpu_user + used_cpu_sys (INFO cpu) over the run, and the server
//     time inside commands (commandstats usec), divided by the events;
//   - worker CPU per event: the worker processes' user + system time (/proc/PID/stat) over the
//     run, divided by the events: its inverse is the decisions one core of workers gives.
//
// Redis runs commands on one thread, so N workers on N cores scale until Redis's CPU per event
// times the rate reaches one core: the ceiling is 1 / (Redis CPU per event).
//
//   node bin/run-ts.js bench/worker.bench.ts [--events 20000] [--workers 1,2,4] [--results]
//
// With REDIS_CLUSTER_URL set (scripts/redis-cluster.sh start), the same runs again with the
// state on that Redis Cluster (`--store redis+cluster://…` under a fresh prefix, deleted after)
// and the streams on the private server: round trips and Redis CPU are then summed over the
// stream server and every master of the cluster.
//
// `--results` rewrites the "## Stream workers" section of bench/RESULTS.md. Needs redis-server on
// the PATH (bench/ may use the test helper that starts one).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { RedisServer } from '../runtime/store/testing/redis-server.ts';
import { mulberry32 } from '../scripts/seeded.ts';
import { writeResultsSection } from './results-file.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const EVENTS = Number(arg('--events', '20000'));
const WORKERS = arg('--workers', '1,2,4').split(',').map(Number);
const COUNT = 32;

const POLICY = `enterprise "acme"
limits "wecom-4.1.36"
category spam

rule "ads" {
  owner super-admin "zhang.wei"
  groups "g-1", "g-2", "g-3", "g-4", "g-5", "g-6", "g-7", "g-8"
  keywords "buy now", "discount code", "加微信", "免费领取"
  when keyword then recall, warn "no ads", record spam
  when flood 10 in 1m then mute 10m
}

ladder "abuse" {
  counts spam
  step 1: suspend interop for 1h, appealable
  step 2: suspend interop for 24h
  step 3: ban member forever
}
`;

/** A seeded mix: 90% messages (some with keywords) from 2,000 customers in 8 groups, 10% violations. */
function events(n: number): string[] {
  const rand = mulberry32(7);
  const out: string[] = [];
  const t0 = Date.UTC(2026, 10, 1);
  for (let i = 0; i < n; i++) {
    const at = new Date(t0 + i * 50).toISOString();
    const sender = `c-${Math.floor(rand() * 2000)}`;
    if (rand() < 0.1) {
      out.push(JSON.stringify({ type: 'violation', id: `v-${i}`, subject: sender, category: 'spam', at }));
    } else {
      const text = rand() < 0.1 ? 'buy now, discount code inside' : `hello there ${i}`;
      out.push(JSON.stringify({ type: 'message', id: `m-${i}`, group: `g-${1 + Math.floor(rand() * 8)}`, sender: { id: sender, kind: 'customer' }, text, at }));
    }
  }
  return out;
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function info(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const k = line.indexOf(':');
    if (k > 0) m.set(line.slice(0, k), line.slice(k + 1));
  }
  return m;
}

/** calls and usec per command, from INFO commandstats. */
async function commandStats(r: Redis): Promise<Map<string, { calls: number; usec: number }>> {
  const out = new Map<string, { calls: number; usec: number }>();
  for (const [k, v] of info(await r.info('commandstats'))) {
    const calls = /calls=(\d+)/.exec(v);
    const usec = /usec=(\d+)/.exec(v);
    if (calls && usec) out.set(k.replace(/^cmdstat_/, ''), { calls: Number(calls[1]), usec: Number(usec[1]) });
  }
  return out;
}

async function redisCpu(r: Redis): Promise<number> {
  const m = info(await r.info('cpu'));
  return Number(m.get('used_cpu_user')) + Number(m.get('used_cpu_sys'));
}

/** The bench's own commands (producing, polling, measuring), not the workers'. */
const OURS = new Set(['xadd', 'xlen', 'info', 'config|resetstat', 'flushall', 'ping', 'config', 'cluster|slots', 'cluster|nodes', 'cluster|shards', 'cluster|info', 'command', 'command|docs']);
/**
 * The commands a client sends (each one round trip: nothing is pipelined). commandstats also
 * counts the commands a script runs inside Redis (GET, HSET, XACK…): those cost Redis CPU, no
 * round trip.
 */
const SENT = new Set(['evalsha', 'eval', 'evalsha_ro', 'eval_ro', 'fcall', 'xreadgroup', 'xautoclaim', 'client|id', 'client|unblock', 'select', 'xgroup|create', 'script|load', 'multi', 'exec']);

/** Where the state lives: the stream's own server (`hush worker`'s default) or a Redis Cluster. */
interface StateTarget {
  /** The `--store` value; absent: the stream's server. */
  store?: string;
  /** The cluster's masters, measured beside the stream server. */
  nodes: Redis[];
}

interface Run {
  workers: number;
  seconds: number;
  perSecond: number;
  roundTrips: number;
  byCommand: string;
  redisCpuUs: number;
  redisCmdUs: number;
  workerCpuUs: number;
}

async function runWith(k: number, server: RedisServer, policyDir: string, lines: string[], state: StateTarget = { nodes: [] }): Promise<Run> {
  const r = new Redis(server.url);
  await r.flushall();
  const measured = [r, ...state.nodes];
  const stream = 'bench:events';
  const children: ChildProcess[] = [];
  try {
    const started: Promise<void>[] = [];
    for (let i = 0; i < k; i++) {
      const store = state.store ? ['--store', state.store] : [];
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'hush.js'), 'worker', policyDir, '--stream', `${server.url}/0/${stream}`, '--consumer', `w${i}`, '--count', String(COUNT), ...store], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      children.push(child);
      let err = '';
      started.push(
        new Promise((resolve, reject) => {
          child.stderr!.setEncoding('utf8').on('data', (d: string) => {
            err += d;
            if (err.includes('consuming ')) resolve();
          });
          child.on('close', (code) => reject(new Error(`worker ${i} ended (${code}): ${err}`)));
        }),
      );
    }
    await Promise.all(started);
    for (const m of measured) await m.config('RESETSTAT');
    const cpu0 = children.map((c) => cpuSeconds(c.pid!));
    const redisCpuAll = async () => (await Promise.all(measured.map(redisCpu))).reduce((a, b) => a + b, 0);
    const redis0 = await redisCpuAll();
    const t0 = performance.now();
    for (let i = 0; i < lines.length; i += 1000) {
      const p = r.pipeline();
      for (const l of lines.slice(i, i + 1000)) p.xadd(stream, '*', 'event', l);
      await p.exec();
    }
    while ((await r.xlen(`${stream}:decisions`)) < lines.length) await new Promise((done) => setTimeout(done, 20));
    const seconds = (performance.now() - t0) / 1000;
    const workerCpu = children.reduce((s, c, i) => s + cpuSeconds(c.pid!) - cpu0[i], 0);
    const redisUsed = (await redisCpuAll()) - redis0;
    const stats = new Map<string, { calls: number; usec: number }>();
    for (const m of measured) {
      for (const [cmd, x] of await commandStats(m)) {
        const t = stats.get(cmd) ?? { calls: 0, usec: 0 };
        stats.set(cmd, { calls: t.calls + x.calls, usec: t.usec + x.usec });
      }
    }
    let calls = 0;
    let usec = 0;
    const parts: string[] = [];
    const inside: string[] = [];
    for (const [cmd, s] of [...stats].sort((a, b) => b[1].calls - a[1].calls)) {
      if (OURS.has(cmd)) continue;
      const perEvent = s.calls / lines.length;
      if (SENT.has(cmd)) {
        calls += s.calls;
        // A script's time includes the commands it runs.
        usec += s.usec;
        if (perEvent >= 0.005) parts.push(`${cmd} ${perEvent.toFixed(2)}`);
      } else if (perEvent >= 0.005) inside.push(`${cmd} ${perEvent.toFixed(2)}`);
    }
    return {
      workers: k,
      seconds,
      perSecond: lines.length / seconds,
      roundTrips: calls / lines.length,
      byCommand: `${parts.join(', ')}; inside scripts: ${inside.join(', ')}`,
      redisCpuUs: (redisUsed * 1e6) / lines.length,
      redisCmdUs: usec / lines.length,
      workerCpuUs: (workerCpu * 1e6) / lines.length,
    };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((done) => c.once('close', done)))));
    r.disconnect();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'hush-worker-bench-'));
const server = await RedisServer.start();
const clusterUrl = process.env.REDIS_CLUSTER_URL || undefined;
const fmt = (x: number) => Math.round(x).toLocaleString('en');

/** The rows and the prediction of one series of runs. */
function table(title: string, runs: Run[]): string[] {
  const cores = cpus().length;
  const best = Math.min(...runs.map((r) => r.workerCpuUs));
  const redisUs = runs.reduce((s, r) => s + r.redisCpuUs, 0) / runs.length;
  return [
    title,
    '',
    '| workers | decisions/s | per core | per worker CPU-second | round trips/event | Redis CPU µs/event | in commands µs/event |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...runs.map((r) => `| ${r.workers} | ${fmt(r.perSecond)} | ${fmt(r.perSecond / Math.min(r.workers, cores))} | ${fmt(1e6 / r.workerCpuUs)} | ${r.roundTrips.toFixed(2)} | ${r.redisCpuUs.toFixed(1)} | ${r.redisCmdUs.toFixed(1)} |`),
    '',
    `Commands per event (1 worker): sent ${runs[0].byCommand}.`,
    '',
    `Prediction: one core of workers gives about ${fmt(1e6 / best)} decisions/s. Redis runs commands on one thread per server: ${redisUs.toFixed(0)} µs of Redis CPU per event`,
    `(all servers together) caps one Redis core at about ${fmt(1e6 / redisUs)} decisions/s, so N workers on N cores scale about linearly up to N ≈ ${Math.max(1, Math.round(best / redisUs))}`,
    'on one server; a cluster spreads the state\'s share of that CPU over its masters (keys of one subject share a slot, subjects spread).',
    '',
  ];
}

try {
  const policyDir = join(dir, 'policy');
  mkdirSync(policyDir);
  writeFileSync(join(policyDir, 'p.policy'), POLICY);
  const lines = events(EVENTS);
  const series: { title: string; state: () => Promise<StateTarget & { done?: () => Promise<void> }> }[] = [
    { title: 'One Redis (streams and state on the same private redis-server):', state: async () => ({ nodes: [] }) },
  ];
  if (clusterUrl) {
    series.push({
      title: 'State on the Redis Cluster (three masters on the loopback), streams on the private redis-server:',
      state: async () => {
        const prefix = `hush:bench:workers:${Date.now().toString(36)}:`;
        const hosts = clusterUrl.replace(/^rediss?\+cluster:\/\//, '').replace(/[/?].*$/, '').split(',');
        const nodes = hosts.map((h) => new Redis({ host: h.slice(0, h.lastIndexOf(':')), port: Number(h.slice(h.lastIndexOf(':') + 1)) }));
        const { RedisStore } = await import('../runtime/store/redis-store.ts');
        return {
          store: `${clusterUrl}${clusterUrl.includes('?') ? '&' : '?'}prefix=${prefix}`,
          nodes,
          done: async () => {
            const s = new RedisStore(clusterUrl, { prefix });
            await s.deleteAll().catch(() => undefined);
            await s.close();
            for (const n of nodes) n.disconnect();
          },
        };
      },
    });
  }
  const sections: string[] = [];
  for (const { title, state } of series) {
    const runs: Run[] = [];
    for (const k of WORKERS) {
      const target = await state();
      try {
        const run = await runWith(k, server, policyDir, lines, target);
        runs.push(run);
        process.stdout.write(`${title} ${k} worker(s): ${Math.round(run.perSecond)} decisions/s, ${run.roundTrips.toFixed(2)} round trips/event (${run.byCommand}), Redis CPU ${run.redisCpuUs.toFixed(1)} µs/event (in commands ${run.redisCmdUs.toFixed(1)}), worker CPU ${run.workerCpuUs.toFixed(0)} µs/event\n`);
      } finally {
        await target.done?.();
      }
    }
    sections.push(...table(title, runs));
  }
  const cores = cpus().length;
  const section = [
    '## Stream workers',
    '',
    `\`node bin/run-ts.js bench/worker.bench.ts --results\` (REDIS_CLUSTER_URL set for the cluster rows). \`hush worker\` processes (compiled policy, \`--count ${COUNT}\`), ${EVENTS.toLocaleString('en')} events (90% messages, 10% violations),`,
    `on a machine with ${cores} cores shared by the workers, Redis and the producer. Per core: decisions per second divided by the cores the workers could use;`,
    'per worker CPU-second: the events over the CPU time the worker processes used.',
    '',
    ...sections,
  ].join('\n');
  process.stdout.write('\n' + section);
  if (args.includes('--results')) writeResultsSection(ROOT, '## Stream workers', section);
} finally {
  await server.down();
  rmSync(dir, { recursive: true, force: true });
}
