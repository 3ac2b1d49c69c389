// The throughput part of bench/engine.bench.ts, in a process of its own that holds what
// `hush run` holds: the runtime, the generated module with its data, and the events (read from a
// JSONL file, parsed once, outside the timing). The parent process also holds the IR and the
// reference interpreter, whose millions of strings slow every garbage collection down and whose
// calls through the same engine code make its call sites polymorphic: the same generated code is
// slower there (the bench reports that figure too, as its own row).
//
//   node bin/run-ts.js bench/engine-throughput.ts MODULE.mjs EVENTS.jsonl ROUNDS
//
// Prints one JSON object: per stream (all events, plain messages only, messages with a link or
// mini-program only), decisions per second by the wall clock and per CPU second, medians over
// ROUNDS fresh engines (empty in-memory store each), after a warm-up.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { compiledRuntime } from '../runtime/policy/generated/compiled-support.ts';
import type { CompiledPolicy } from '../runtime/policy/compiled-policy.ts';
import { createEngine } from '../runtime/engine/engine.ts';

export interface Throughput {
  perSecond: number;
  perCpuSecond: number;
  /** The slowest and the fastest round, by the wall clock. */
  range: [number, number];
  notAllowed: number;
  events: number;
  /** Matches per decision, on average. */
  matches: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * Decisions per second over the stream, median of `rounds` fresh engines. The warm-up is one
 * whole pass of the stream on an engine of its own: the figure is the steady state of a
 * long-running service, which has long since compiled its hot paths (on a 20,000-event warm-up
 * the first rounds still ran up to a third slower than the later ones, while V8 finished
 * optimising the rarer paths, those of messages with links).
 */
export function throughput(policy: CompiledPolicy, events: readonly unknown[], rounds: number): Throughput {
  const warm = createEngine(policy);
  let matches = 0;
  for (const e of events) {
    const d = warm.evaluate(e);
    if ('matches' in d) matches += d.matches.length;
  }
  const rates: number[] = [];
  const cpuRates: number[] = [];
  let notAllowed = 0;
  for (let r = 0; r < rounds; r++) {
    const engine = createEngine(policy);
    let blocked = 0;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (const e of events) {
      const d = engine.evaluate(e);
      if ('allowed' in d && !d.allowed) blocked++;
    }
    const cpu = process.cpuUsage(c0);
    const s = (performance.now() - t0) / 1000;
    rates.push(events.length / s);
    cpuRates.push(events.length / ((cpu.user + cpu.system) / 1e6));
    notAllowed = blocked;
  }
  return {
    perSecond: median(rates),
    perCpuSecond: median(cpuRates),
    range: [Math.min(...rates), Math.max(...rates)],
    notAllowed,
    events: events.length,
    matches: matches / Math.max(1, events.length),
  };
}

/** Plain messages: no link and no mini-program. */
export function isPlain(e: unknown): boolean {
  const m = e as { links?: string[]; miniprograms?: string[] };
  return (m.links?.length ?? 0) === 0 && (m.miniprograms?.length ?? 0) === 0;
}

async function main(): Promise<void> {
  const [modulePath, eventsPath, roundsArg] = process.argv.slice(2);
  const mod = (await import(pathToFileURL(modulePath).href)) as { createPolicy: (runtime: typeof compiledRuntime) => CompiledPolicy };
  const policy = mod.createPolicy(compiledRuntime);
  const events = readFileSync(eventsPath, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as unknown);
  const rounds = Number(roundsArg ?? 5);
  const all = throughput(policy, events, rounds);
  const plain = throughput(policy, events.filter(isPlain), rounds);
  const other = throughput(policy, events.filter((e) => !isPlain(e)), rounds);
  process.stdout.write(JSON.stringify({ all, plain, other }) + '\n');
}

if (process.argv[1]?.endsWith('engine-throughput.ts')) await main();
