// `hush worker POLICY --stream redis://HOST[:PORT][/DB]/STREAM`: one of N workers deciding the
// events of a Redis Stream through a consumer group (spec/deploy.md §4). Each input entry gets
// exactly one decision (or error record) in the output stream, written with its acknowledgement
// in one step; a dead worker's pending entries are claimed by the others after `--claim-after`.
// State lives in `--store` (by default the stream's own Redis and database). SIGTERM or SIGINT
// stops after the entries in hand (a second one exits at once). Exit 0 after a signal, 1 when the
// store's state is found unreadable or gone, or the consumer group is gone (nothing more is
// decided), 2 for bad options or a stream that cannot be used at start.
import { hostname } from 'node:os';
import { Option } from 'commander';
import { createAsyncEngine, createEngine, decideLine, decideLineAsync, loadWorker, type WorkerLogEvent } from '../../runtime/index.ts';
import { EXIT, UsageError, type CliIO } from '../io.ts';
import { ENGINES, loadPolicy, type EngineChoice } from '../load-policy.ts';
import { terminalText } from '../render/escape.ts';
import { openStore, STORE_HELP } from '../store-option.ts';
import type { RegisterCommand } from './index.ts';

export interface WorkerOptions {
  stream?: string;
  group?: string;
  consumer?: string;
  output?: string;
  store?: string;
  engine?: EngineChoice;
  claimAfter?: string;
  count?: string;
  deleteAcked?: boolean;
}

export const DEFAULT_GROUP = 'hush';

/** Every refused option of `hush worker` (exit 2). */
const BAD_OPTION = 'hush/worker/bad-option';

/** A duration option: `500ms`, `30s`, `2m` (whole numbers), at least 1 ms and at most a day. */
export function parseDuration(name: string, v: string): number {
  const m = /^(\d{1,9})(ms|s|m)$/.exec(v);
  const ms = m ? Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000) : NaN;
  if (!m || ms < 1 || ms > 86_400_000) throw new UsageError(`${BAD_OPTION}: ${name} must be a duration such as 500ms, 30s or 2m (at most a day), not \`${v}\``);
  return ms;
}

/** A group, consumer or stream name: 1 to 256 printable characters. */
function name(option: string, v: string): string {
  if (v.length < 1 || v.length > 256 || /[\u0000-\u0020\u007f]/.test(v)) throw new UsageError(`${BAD_OPTION}: ${option} must be 1 to 256 characters without spaces or control characters`);
  return v;
}

export async function runWorker(policy: string, opts: WorkerOptions, io: CliIO, signals = true): Promise<number> {
  const w = await loadWorker();
  if (opts.stream === undefined) throw new UsageError(`${BAD_OPTION}: --stream is required (${w.STREAM_FORM})`);
  let target;
  try {
    target = w.streamTarget(opts.stream);
  } catch (e) {
    if (e instanceof w.WorkerError) throw new UsageError(`${e.code}: ${e.message}`);
    throw e;
  }
  const group = name('--group', opts.group ?? DEFAULT_GROUP);
  const consumer = name('--consumer', opts.consumer ?? `${hostname()}-${process.pid}`);
  const output = name('--output', opts.output ?? `${target.stream}:decisions`);
  const claimAfterMs = parseDuration('--claim-after', opts.claimAfter ?? '30s');
  const count = opts.count === undefined ? 16 : /^\d{1,4}$/.test(opts.count) && Number(opts.count) >= 1 && Number(opts.count) <= 1000 ? Number(opts.count) : NaN;
  if (Number.isNaN(count)) throw new UsageError(`${BAD_OPTION}: --count must be a whole number from 1 to 1000, not \`${opts.count}\``);
  const storeSpec = opts.store ?? target.server;
  // A worker's state must outlive it and be shared with the other workers.
  if (storeSpec === 'memory') throw new UsageError(`${BAD_OPTION}: --store memory would lose the state of every event when the worker stops; give a Redis URL (the default: the stream's server) or a SQLite file`);

  const loaded = await loadPolicy([policy], io, opts.engine);
  if (!loaded) return EXIT.failed;
  const opened = await openStore(storeSpec, io.cwd);
  // Events without `at` are timed by their entry (the milliseconds Redis gave it): a second
  // decision of the same entry sees the same time.
  let entryAt = 0;
  const clock = () => entryAt;
  let decide: (text: string, at: number) => string | Promise<string>;
  if (opened.kind === 'sync') {
    const engine = createEngine(loaded.policy, { store: opened.store, clock });
    decide = (text, at) => ((entryAt = at), decideLine(engine, text, 1, clock));
  } else {
    const engine = createAsyncEngine(loaded.policy, { store: opened.store, clock });
    decide = (text, at) => ((entryAt = at), decideLineAsync(engine, text, 1, clock));
  }
  const log = (e: WorkerLogEvent) => io.stderr(`hush worker: ${e.level === 'info' ? '' : `${e.level}: `}${e.code ? `${e.code}: ` : ''}${terminalText(e.message)}\n`);
  let worker;
  try {
    worker = await w.StreamWorker.open({ target, group, consumer, output, decide, claimAfterMs, count, deleteAcked: opts.deleteAcked, log });
  } catch (e) {
    await opened.store.close();
    if (e instanceof w.WorkerError) throw new UsageError(`${e.code}: ${e.message}`);
    throw e;
  }
  let signalled = 0;
  const onStop = () => {
    if (++signalled > 1) process.exit(EXIT.failed);
    worker.stop();
  };
  if (signals) process.on('SIGTERM', onStop).on('SIGINT', onStop);
  try {
    const end = await worker.run();
    if (end.stopped === 'group') {
      io.stderr(`hush: ${end.error.code}: ${terminalText(end.error.message)}; stopped\n`);
      return EXIT.failed;
    }
    if (end.stopped === 'store') {
      io.stderr(`hush: ${end.error.code}: ${terminalText(end.error.message)} (${terminalText(end.error.where)}); stopped, no later event was decided\n`);
      return EXIT.failed;
    }
    return EXIT.ok;
  } finally {
    if (signals) process.off('SIGTERM', onStop).off('SIGINT', onStop);
    await opened.store.close();
  }
}

export const registerWorker: RegisterCommand = (program, io, setStatus) => {
  program
    .command('worker')
    .description('decide the events of a Redis Stream as one of N workers, each decision written once to an output stream (spec/deploy.md)')
    .argument('<policy>', 'the policy set: a file or a folder')
    .option('--stream <url>', 'the input stream: redis://HOST[:PORT][/DB]/STREAM')
    .option('--group <name>', 'the consumer group the workers share', DEFAULT_GROUP)
    .option('--consumer <name>', "this worker's name in the group (default: HOST-PID)")
    .option('--output <key>', 'the stream decisions are written to (default: STREAM:decisions)')
    .option('--store <store>', `${STORE_HELP} (default: the stream's server and database)`)
    .addOption(new Option('--engine <engine>', 'the policy implementation (default: compiled when available)').choices(ENGINES))
    .option('--claim-after <duration>', "take over another worker's pending entries idle this long", '30s')
    .option('--count <n>', 'the most entries read at once', '16')
    .option('--delete-acked', 'delete each input entry once its decision is written (when this group is the only reader)')
    .action(async (policy: string, opts: WorkerOptions) => {
      setStatus(await runWorker(policy, opts, io));
    });
};
