// `hush run POLICY < events.jsonl`: decides a stream of events, one JSON event per line, and
// writes one JSON line per input line (the JSONL line format of runtime/engine/jsonl.ts): the
// decision, or for a line that is not a valid event an error record. The stream always
// goes on after a bad line. State (flood windows, mutes, joins, strikes, sanctions) lives in the
// store `--store` names: memory for the run by default, a SQLite file, or a shared Redis.
import { createInterface } from 'node:readline';
import { Option } from 'commander';
import { createAsyncEngine, createEngine, decideLine, decideLineAsync } from '../../runtime/index.ts';
import { EXIT, type CliIO } from '../io.ts';
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
  const rl = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  let buf = '';
  let bad = 0;
  try {
    for await (const line of rl) {
      const d = decide(line, ++n);
      const out = typeof d === 'string' ? d : await d;
      if (out.startsWith('{"error"')) bad++;
      buf += out + '\n';
      if (buf.length > 1 << 16) {
        io.stdout(buf);
        buf = '';
        // Let a slow reader catch up instead of queueing the whole output in memory.
        if (process.stdout.writableNeedDrain) await new Promise((r) => process.stdout.once('drain', r));
      }
    }
  } finally {
    // Every decision made is written, also when a store failure stops the stream.
    io.stdout(buf);
  }
  if (bad > 0) io.stderr(`hush: ${bad} of ${n} lines were not valid events (see the error records)\n`);
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
