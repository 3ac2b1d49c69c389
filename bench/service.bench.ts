// The HTTP service benchmark (`hush serve`, runtime/service/): autocannon on loopback against the
// service started with `createService` on the largest legal policy set (the set of
// bench/engine.bench.ts, compiled to a module and loaded as `hush serve` loads it: the module,
// the set's facts and its keyword rules, neither the IR nor an interpreter), and, side by side in the same server process and the
// same run, a bare fastify route that parses the same JSON body (fastify's own JSON parser) and
// answers a constant. Rows, per store (memory, a SQLite file, Redis):
//   - POST /v1/decide at the most the client can send (same connections, pipelining, duration
//     as the bare route): requests/s, and its ratio to the bare route's;
//   - POST /v1/decide at half that rate (autocannon `overallRate`): p50/p99 latency;
//   - POST /v1/decide/batch, 1,000 events per request: decisions/s, and decisions per CPU
//     second of the server process (process.cpuUsage: per core).
// The server runs in a child process (this file with --serve) so that autocannon, in this
// process, does not share its event loop; the machine's other core is the client's.
//
//   node bin/run-ts.js bench/service.bench.ts [--duration S] [--connections N] [--stores memory,sqlite,redis] [--results]
//
// `--duration 2` is a quick run. `--results` rewrites the "## HTTP service" section of
// bench/RESULTS.md. Redis is REDIS_URL (default redis://127.0.0.1:6379), under a random prefix
// deleted at the end; without a Redis the Redis rows say so.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CompiledPolicy } from '../runtime/policy/compiled-policy.ts';
import type { IrPolicySet } from '../runtime/ir.ts';
import { DEFAULT_OUT, DEFAULT_SEED, generatePolicySet, ROOT, type Manifest } from '../scripts/gen-policy-set.ts';
import { writeResultsSection } from './results-file.ts';

const DECIDE_RATIO_TARGET = 0.7;
const P99_TARGET_MS = 5;
const BATCH_TARGET_PER_CORE = 200_000;
const BATCH_SIZE = 1_000;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

// ---------------------------------------------------------------------------------------------
// The server process: the service and the bare route, on ports of their own.

interface Ready {
  type: 'ready';
  service: string;
  bare: string;
}

async function serve(scratch: string, storeKind: string): Promise<void> {
  const [{ createService, policyFacts }, { compiledRuntime }, { keywordRuleOf, openStore }, { RedisStore }, Fastify] = await Promise.all([
    import('../runtime/service/index.ts'),
    import('../runtime/policy/generated/compiled-support.ts'),
    import('../runtime/index.ts'),
    import('../runtime/store/redis-store.ts'),
    import('fastify').then((m) => m.default),
  ]);
  // What `hush serve` holds (cli/commands/serve.ts): the generated module, the set's facts and its
  // keyword rules; the IR stays in the reload worker, and no interpreter is built.
  const facts = (() => {
    const ir = JSON.parse(readFileSync(join(scratch, 'ir.json'), 'utf8')) as IrPolicySet;
    return { facts: policyFacts(ir), keywordRules: ir.rules.map((r) => keywordRuleOf(r, ir.variants)) };
  })();
  const mod = (await import(pathToFileURL(join(scratch, 'module', 'policy.mjs')).href)) as { createPolicy: (r: typeof compiledRuntime) => CompiledPolicy };
  const policy = mod.createPolicy(compiledRuntime);
  let redis: InstanceType<typeof RedisStore> | null = null;
  let opened;
  if (storeKind === 'redis') {
    redis = await RedisStore.connect(REDIS_URL, { prefix: `hush:bench:service:${randomBytes(6).toString('hex')}:` });
    opened = { kind: 'async' as const, store: redis, where: 'redis' };
  } else {
    opened = (await openStore(storeKind === 'sqlite' ? `sqlite:${join(scratch, `state-${process.pid}.db`)}` : 'memory'))!;
  }
  // Errors (a 500, a store failure) on stderr: a benchmark that hides them measures nothing.
  const { pino } = await import('pino');
  const service = await createService({
    loader: async () => ({ ok: true, loaded: { ...facts, policy, revision: 'bench', engine: 'compiled' } }),
    store: opened,
    logger: pino({ level: 'warn' }, pino.destination({ dest: 2, sync: true })),
  });
  const url = await service.listen('127.0.0.1', 0);

  const bare = Fastify({ logger: false });
  bare.post('/v1/decide', async () => ({ ok: true }));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const a = bare.server.address();
  const bareUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;

  process.on('message', async (m: { type: string }) => {
    if (m.type === 'cpu') process.send!({ type: 'cpu', cpu: process.cpuUsage() });
    if (m.type === 'stop') {
      await bare.close();
      if (redis) await redis.deleteAll();
      await service.close();
      process.send!({ type: 'stopped' }, () => process.exit(0));
    }
  });
  process.send!({ type: 'ready', service: url, bare: bareUrl } satisfies Ready);
}

// ---------------------------------------------------------------------------------------------
// The client: this process.

function ensureLegalSet(): string {
  const dir = join(DEFAULT_OUT, 'legal');
  const path = join(dir, 'manifest.json');
  if (existsSync(path)) {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    if (m.seed === DEFAULT_SEED && m.scale === 1 && m.kind === 'legal') return dir;
  }
  process.stderr.write(`generating the legal set in ${relative(ROOT, dir)}…\n`);
  generatePolicySet({ kind: 'legal', out: dir, seed: DEFAULT_SEED });
  return dir;
}

/** Node flags of the server process, e.g. HUSH_BENCH_SERVER_FLAGS="--cpu-prof --cpu-prof-dir=tmp/prof". */
const serverFlags = (process.env.HUSH_BENCH_SERVER_FLAGS ?? '').split(' ').filter((f) => f.length > 0);

class Server {
  private waiting = new Map<string, (m: unknown) => void>();
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { type: string }) => {
      const w = this.waiting.get(m.type);
      if (w) {
        this.waiting.delete(m.type);
        w(m);
      }
    });
  }

  static async start(scratch: string, store: string): Promise<{ server: Server; ready: Ready }> {
    const child = spawn(process.execPath, [...serverFlags, join(ROOT, 'bin', 'run-ts.js'), join(ROOT, 'bench', 'service.bench.ts'), '--serve', scratch, store], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env },
    });
    const server = new Server(child);
    const ready = (await Promise.race([
      server.wait('ready'),
      new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`the server exited (${code}) before it was ready`)))),
    ])) as Ready;
    return { server, ready };
  }

  wait(type: string): Promise<unknown> {
    return new Promise((resolve) => this.waiting.set(type, resolve));
  }

  async cpu(): Promise<number> {
    const p = this.wait('cpu');
    this.child.send({ type: 'cpu' });
    const { cpu } = (await p) as { cpu: NodeJS.CpuUsage };
    return (cpu.user + cpu.system) / 1e6;
  }

  async stop(): Promise<void> {
    const p = this.wait('stopped');
    this.child.send({ type: 'stop' });
    await p;
    await new Promise((r) => (this.child.exitCode === null ? this.child.once('exit', r) : r(null)));
  }
}

interface Run {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Answers other than 2xx, by status; errors and timeouts as `errors`. */
  codes: string;
  serverCpu: number;
  clientCpu: number;
  seconds: number;
}

type Autocannon = (opts: Record<string, unknown>) => Promise<{
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  '2xx': number;
  statusCodeStats?: Record<string, { count: number }>;
}>;

async function cannon(autocannon: Autocannon, server: Server, url: string, requests: { method: string; path: string; headers: Record<string, string>; body: string }[], opts: Record<string, unknown>): Promise<Run> {
  const c0 = await server.cpu();
  const k0 = process.cpuUsage();
  const r = await autocannon({ url, requests, ...opts });
  const k = process.cpuUsage(k0);
  const c1 = await server.cpu();
  return {
    requests: r['2xx'],
    perSecond: r['2xx'] / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    codes: Object.entries(r.statusCodeStats ?? {})
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, v]) => `${v.count}×${code}`)
      .concat(r.errors + r.timeouts > 0 ? [`${r.errors} errors (${r.timeouts} timeouts)`] : [])
      .join(', '),
    serverCpu: c1 - c0,
    clientCpu: (k.user + k.system) / 1e6,
    seconds: r.duration,
  };
}

async function redisAnswers(): Promise<string | null> {
  try {
    const { RedisStore } = await import('../runtime/store/redis-store.ts');
    const s = await RedisStore.connect(REDIS_URL, { prefix: 'hush:bench:probe:' });
    await s.close();
    return null;
  } catch (e) {
    return `no Redis at ${REDIS_URL}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** The compiled module and the IR in a scratch folder for the server; the events as JSON texts. */
async function prepare(): Promise<{ scratch: string; events: string[]; plain: string[] }> {
  const { policySetToIr } = await import('../compiler/lower/policy-set-to-ir.ts');
  const { compileToModule } = await import('../compiler/codegen/ir-to-ts.ts');
  const { makeEvents } = await import('./engine.bench.ts');
  const { isPlain } = await import('./engine-throughput.ts');
  const setDir = ensureLegalSet();
  const lowered = policySetToIr(['.'], { cwd: setDir });
  if (!lowered.ir) throw new Error('the legal set has errors');
  const ir = lowered.ir;
  const m = compileToModule(ir, { data: 'sidecar' });
  const scratch = mkdtempSync(join(tmpdir(), 'hush-service-bench-'));
  mkdirSync(join(scratch, 'module'));
  writeFileSync(join(scratch, 'module', 'policy.mjs'), m.js);
  if (m.dataFile) writeFileSync(join(scratch, 'module', m.dataFile), m.data);
  writeFileSync(join(scratch, 'ir.json'), JSON.stringify(ir));
  const all = makeEvents(ir, 20_000, 7);
  return { scratch, events: all.map((e) => JSON.stringify(e)), plain: all.filter(isPlain).map((e) => JSON.stringify(e)) };
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0];
  const duration = Number(arg('--duration', '10'));
  const connections = Number(arg('--connections', '16'));
  const stores = arg('--stores', 'memory,sqlite,redis').split(',');
  const autocannonModule = 'autocannon'; // no type declarations: imported by name
  const autocannon = ((await import(autocannonModule)) as { default: Autocannon }).default;
  const { scratch, events, plain } = await prepare();
  // The IR and the check model are garbage now: a client holding them stalls in long collections,
  // which autocannon would count as the server's latency.
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  const headers = { 'content-type': 'application/json' };
  const single = events.slice(0, 5_000).map((body) => ({ method: 'POST', path: '/v1/decide', headers, body }));
  const batchesOf = (xs: string[]) => {
    const out: typeof single = [];
    for (let i = 0; i + BATCH_SIZE <= xs.length; i += BATCH_SIZE) out.push({ method: 'POST', path: '/v1/decide/batch', headers, body: `[${xs.slice(i, i + BATCH_SIZE).join(',')}]` });
    return out;
  };
  const batches = batchesOf(events);
  const plainBatches = batchesOf(plain);
  const noRedis = stores.includes('redis') ? await redisAnswers() : null;

  const cpu = cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  const rows: string[][] = [];
  const verdicts: string[] = [];
  try {
    for (const store of stores) {
      if (store === 'redis' && noRedis) {
        rows.push([store, 'not measured', '', '', '', '', '', '', noRedis]);
        continue;
      }
      const { server, ready } = await Server.start(scratch, store);
      try {
        const same = { connections, pipelining: 1, duration };
        // Warm-up: both routes, and the batch route, until V8 has optimised the hot paths.
        const warm = Math.max(2, Math.min(5, duration));
        await cannon(autocannon, server, ready.bare, single, { ...same, duration: warm });
        await cannon(autocannon, server, ready.service, single, { ...same, duration: warm });
        await cannon(autocannon, server, ready.service, batches, { connections: 2, pipelining: 1, duration: warm });
        // Side by side: bare, decide, bare, decide; the better of each pair.
        const bareRuns: Run[] = [];
        const decideRuns: Run[] = [];
        for (let r = 0; r < 2; r++) {
          bareRuns.push(await cannon(autocannon, server, ready.bare, single, same));
          decideRuns.push(await cannon(autocannon, server, ready.service, single, same));
        }
        const best = (xs: Run[]) => xs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
        const bare = best(bareRuns);
        const decide = best(decideRuns);
        const halfRate = Math.max(1, Math.floor(decide.perSecond / 2));
        const half = await cannon(autocannon, server, ready.service, single, { ...same, overallRate: halfRate, ignoreCoordinatedOmission: true });
        // The control: the bare route at the same rate (what the client and the machine add).
        const bareHalf = await cannon(autocannon, server, ready.bare, single, { ...same, overallRate: halfRate, ignoreCoordinatedOmission: true });
        const batch = await cannon(autocannon, server, ready.service, batches, { connections: 2, pipelining: 1, duration, timeout: 60 });
        const plainBatch = await cannon(autocannon, server, ready.service, plainBatches, { connections: 2, pipelining: 1, duration, timeout: 60 });
        const ratio = decide.perSecond / bare.perSecond;
        const batchRate = (batch.requests * BATCH_SIZE) / batch.seconds;
        const batchPerCore = (batch.requests * BATCH_SIZE) / batch.serverCpu;
        const plainRate = (plainBatch.requests * BATCH_SIZE) / plainBatch.seconds;
        const plainPerCore = (plainBatch.requests * BATCH_SIZE) / plainBatch.serverCpu;
        const client = (r: Run) => `${((r.clientCpu / r.seconds) * 100).toFixed(0)}%`;
        const srv = (r: Run) => `${((r.serverCpu / r.seconds) * 100).toFixed(0)}%`;
        rows.push([
          store,
          `${fmt(bare.perSecond)}/s (server ${srv(bare)}, client ${client(bare)} CPU)`,
          `${fmt(decide.perSecond)}/s (server ${srv(decide)}, client ${client(decide)} CPU)`,
          `${ratio.toFixed(2)}`,
          `${fmt(halfRate)}/s: p50 ${half.p50} ms, p99 ${half.p99} ms (bare route at that rate: p50 ${bareHalf.p50} ms, p99 ${bareHalf.p99} ms)`,
          `${fmt(batchRate)}/s`,
          `${fmt(batchPerCore)}/s (server ${srv(batch)} CPU)`,
          `${fmt(plainRate)}/s; per core ${fmt(plainPerCore)}/s`,
          Object.entries({ bare: bareRuns, decide: decideRuns, 'at half rate': [half, bareHalf], batch: [batch, plainBatch] })
            .flatMap(([what, rs]) => rs.filter((r) => r.codes !== '').map((r) => `${what}: ${r.codes}`))
            .join('; '),
        ]);
        if (store === 'memory') {
          verdicts.push(`decide ${ratio.toFixed(2)}x the bare route (target ${DECIDE_RATIO_TARGET}): ${ratio >= DECIDE_RATIO_TARGET ? 'met' : 'NOT met'}`);
          verdicts.push(`p99 ${half.p99} ms at half the maximum rate (target under ${P99_TARGET_MS}): ${half.p99 < P99_TARGET_MS ? 'met' : 'NOT met'}`);
          verdicts.push(`batch ${fmt(batchPerCore)} decisions per CPU second (target ${fmt(BATCH_TARGET_PER_CORE)}): ${batchPerCore >= BATCH_TARGET_PER_CORE ? 'met' : 'NOT met'}`);
        }
        process.stdout.write(`${rows[rows.length - 1].join(' | ')}\n`);
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const section = [
    '## HTTP service',
    '',
    `\`node bin/run-ts.js bench/service.bench.ts --results\` (in \`npm run bench\`); ${cpu}, ${cpus().length} cores (\`nproc\`), Node ${process.version}, load average ${loadAtStart.toFixed(1)} at the start and ${loadavg()[0].toFixed(1)} at the end; Redis at ${REDIS_URL.replace(/\/\/[^@/]*@/, '//')} on the same machine.`,
    `The service (\`createService\`, no tokens, no decision log, default metrics on) on the largest legal policy set (bench/engine.bench.ts: 1,000 rules, 2,000,000-customer`,
    'enterprise blacklist), compiled to a module and loaded as `hush serve` loads it (the module, the set\'s facts and keyword rules; no IR, no interpreter), in a server',
    'process of its own; in the same process, on another port, a bare fastify route that parses the same JSON body (fastify\'s',
    'JSON parser) and answers a constant. autocannon in the bench process (the other core) on loopback, the same',
    `${connections} connections, pipelining 1, ${duration} s per run, after a warm-up; bare and decide alternate twice and the better run of each counts.`,
    `Bodies: 5,000 seeded chat events of engine.bench.ts (single) and batches of ${fmt(BATCH_SIZE)} of 20,000 (batch, JSON arrays, 2 connections).`,
    'p99 is measured at half the decide route\'s maximum rate (autocannon `overallRate`, `ignoreCoordinatedOmission`: autocannon 8 corrects',
    'for coordinated omission with an expected interval of `Math.ceil(1 / rate)` = 1 ms whatever the rate (lib/run.js), so one 50 ms',
    'pause became fifty phantom samples; its rate limiter still sends each second\'s quota in a burst, which only makes the figure worse); per core divides the decisions by the',
    'server process\'s CPU time (user + system) during the run.',
    '',
    '| store | bare fastify route | `POST /v1/decide` | ratio | latency at half the maximum rate | batch decisions/s | batch per core | batch, plain messages only | notes |',
    '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Targets (memory store): ${verdicts.join('; ')}.`,
    '',
    'Where the time goes (CPU profiles of the server process and of the routes in process, `--cpu-prof`): a message with a',
    'link fires about 235 rules, and its decision carries every match with its evidence, so a batch of 1,000 of these events',
    'answers about 1.75 MB of JSON (mostly two-byte text). Fixed since this benchmark exists: counting each firing through a',
    'prom-client child (which hashes its labels on every `inc`; now plain maps handed over when /metrics is read); joining',
    'the answer into one string and counting its UTF-8 length (now encoded into buffers as it is built); JSON.stringify of',
    'such a decision, about 300 ns a match on Node 20 (now its matches are written from cached rule heads and the one',
    'evidence object per link, mini-program or card of the message, runtime/engine/decision-json.ts: half the time); and',
    'decoding the whole body into one string, 7 ns a byte for a string of hundreds of kilobytes on Node 20, three times what',
    'pieces of an event\'s size take (now the body is cut as bytes and each event decoded on its own, batch-body.ts).',
    'What remains per event: reading it (`parseEventLine`; JSON.parse of these two-byte events is about 2.4 µs, and a',
    'reader of the bytes in JavaScript, tried, was no faster), the engine (3.3 µs on average, about 10 µs for a message',
    'with a link), its JSON, the decision id, the latency clock and the counts, and garbage collection; for a single',
    'decision, fastify\'s request handling and the service\'s hooks (auth, metrics), which the bare route does not have.',
    'The Redis rows are bound by the store\'s round trips (one event in flight per connection).',
    '',
  ].join('\n');
  process.stdout.write(section + '\n');
  if (process.argv.includes('--results')) {
    writeResultsSection(ROOT, '## HTTP service', section);
    process.stdout.write('wrote the "## HTTP service" section of bench/RESULTS.md\n');
  }
}

if (process.argv[1]?.endsWith('service.bench.ts')) {
  const i = process.argv.indexOf('--serve');
  if (i >= 0) await serve(process.argv[i + 1], process.argv[i + 2]);
  else await main();
}
