// `hush run POLICY < events.jsonl`: decides a stream of events, one JSON event per line, and
// writes one JSON line per input line (the JSONL line format of runtime/engine/jsonl.ts): the
// decision, or for a line that is not a valid event an error record. The stream always
// goes on after a bad line. State (flood windows, mutes, joins, strikes, sanctions) lives in the
// store `--store` names: memory for the run by default, a SQLite file, or a shared Redis.
import { Option } from 'commander';
import { createAsyncEngine, createEngine, decideLine, decideLineAsync, readLines, StoreError, storeErrorRecord, storeErrorStops, tooLongRecord } from '../../runtime/index.ts';
import { EXIT, type CliIO } from '../io.ts';
import { terminalText } from '../render/escape.ts';
import { ENGINES, loadPolicy, type EngineChoice } from '../load-policy.ts';
import { openStore, STORE_HELP } from '../store-option.ts';
import type { RegisterCommand } from './index.ts';

export interface RunOptions {
  engine?: EngineChoice;
  store?: string;
}

export async function runRun(policy: string, opts: RunOptions, io: CliIO, input: NodeJS.ReadableStream = process.stdin): Promise<number> {
  const loaded = await loadPolicy([policy], io, opts.engine);
  if (!loaded) return EXIT.failed;
  const opened = await openStore(opts.store ?? 'memory', io.cwd);
  try {
    if (opened.kind === 'sync') {
      const engine = createEngine(loaded.policy, { store: opened.store });
      return await decideStream((line, n) => decideLine(engine, line, n), io, input);
    }
    const engine = createAsyncEngine(loaded.policy, { store: opened.store });
    return await decideStream((line, n) => decideLineAsync(engine, line, n), io, input);
  } finally {
    await opened.store.close();
  }
}

async function decideStream(decide: (line: string, n: number) => string | Promise<string>, io: CliIO, input: NodeJS.ReadableStream): Promise<number> {
  let n = 0;
  let bad = 0;
  let storeFailures = 0;
  // The reader may leave (`hush run … | head -1`): a failed write ends the stream quietly, and no
  // event after it is applied.
  let gone = false;
  const onError = (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') gone = true;
  };
  process.stdout.on('error', onError);
  try {
    for await (const line of readLines(input as AsyncIterable<Buffer>)) {
      if (gone) break;
      n++;
      let out: string;
      let stop: StoreError | null = null;
      if (typeof line === 'string') {
        try {
          const d = decide(line, n);
          out = typeof d === 'string' ? d : await d;
        } catch (e) {
          // The store failed on this event: an error record, never a decision made without state.
          if (!(e instanceof StoreError)) throw e;
          out = storeErrorRecord(n, e);
          storeFailures++;
          if (storeErrorStops(e)) stop = e;
        }
      } else out = tooLongRecord(n, line.tooLong);
      if (out.startsWith('{"error"')) bad++;
      // Each decision is handed to the OS before the next event is applied.
      io.stdout(out + '\n');
      if (stop) {
        io.stderr(`hush: ${stop.code}: ${terminalText(stop.message)} (${terminalText(stop.where)}); stopped at line ${n}, no later event was applied\n`);
        return EXIT.failed;
      }
      // Let a slow reader catch up instead of queueing the whole output in memory.
      if (process.stdout.writableNeedDrain && !gone) {
        await new Promise<void>((r) => {
          const done = () => {
            process.stdout.off('drain', done).off('close', done).off('error', done);
            r();
          };
          process.stdout.once('drain', done).once('close', done).once('error', done);
        });
      }
    }
  } finally {
    process.stdout.off('error', onError);
  }
  if (gone) return EXIT.ok;
  if (bad > storeFailures) io.stderr(`hush: ${bad - storeFailures} of ${n} lines were not valid events (see the error records)\n`);
  if (storeFailures > 0) {
    io.stderr(`hush: the store failed on ${storeFailures} of ${n} events; they were not decided (see the error records)\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}

export const registerRun: RegisterCommand = (program, io, setStatus) => {
  program
    .command('run')
    .description('decide a stream of events (JSON lines on stdin), writing one decision per line')
    .argument('<policy>', 'the policy set: a file or a folder')
    .addOption(new Option('--engine <engine>', 'the policy implementation (default: compiled when available)').choices(ENGINES))
    .option('--store <store>', STORE_HELP, 'memory')
    .action(async (policy: string, opts: RunOptions) => {
      setStatus(await runRun(policy, opts, io));
    });
};
