// `hush run POLICY < events.jsonl`: decides a stream of events, one JSON event per line, and
// writes one JSON line per input line (the JSONL line format of runtime/engine/jsonl.ts): the
// decision, or for a line that is not a valid event an error record. The stream always
// goes on after a bad line. State (flood windows, mutes, joins, strikes, sanctions) lives in the
// store `--store` names: memory for the run by default, a SQLite file, or a shared Redis.
// `--input wecom-archive` reads decrypted WeCom chat-archive records instead of Hush events
// (spec/wecom.md §1): each output line carries the record's `msgid`, a record that gives no
// event (a 1:1 chat, a recall, an unknown msgtype) gets a `skipped` record, and the counts of
// skips and refusals end the run on stderr.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option } from 'commander';
import type { Diagnostic } from '../../language/diagnostic.ts';
import {
  ArchiveTally,
  createAsyncEngine,
  createEngine,
  decideArchiveLine,
  decideArchiveLineAsync,
  decideLine,
  decideLineAsync,
  parseOwnersList,
  parseSendersList,
  readLines,
  StoreError,
  storeErrorRecord,
  storeErrorStops,
  tooLongRecord,
  type ArchiveOptions,
  type ListParse,
} from '../../runtime/index.ts';
import { EXIT, UsageError, type CliIO } from '../io.ts';
import { renderDiagnostics } from '../render/index.ts';
import { terminalLines, terminalText } from '../render/escape.ts';
import { decisionLine } from '../render/decision-human.ts';
import { parseTimeZone, timeZoneFor } from '../render/time-zone.ts';
import { ENGINES, loadPolicy, type EngineChoice } from '../load-policy.ts';
import { openStore, STORE_HELP } from '../store-option.ts';
import type { RegisterCommand } from './index.ts';

export const INPUTS = ['jsonl', 'wecom-archive'] as const;
export type InputFormat = (typeof INPUTS)[number];

export interface RunOptions {
  engine?: EngineChoice;
  store?: string;
  /** What each line is: a Hush event (`jsonl`, the default) or a WeCom archive record. */
  input?: InputFormat;
  /** `--wecom-senders FILE`, `--wecom-owners FILE` (archive input only). */
  wecomSenders?: string;
  wecomOwners?: string;
  /** `jsonl` (default: one decision record per line, UTC times) or `human` (render/decision-human.ts). */
  format?: OutputFormat;
  /** The zone of the human format's times (default the policy set's timezone, else +08:00). */
  tz?: string;
}

export const OUTPUTS = ['jsonl', 'human'] as const;
export type OutputFormat = (typeof OUTPUTS)[number];

export const WECOM_SENDERS_HELP = 'archive input: a file of `<id> customer|member [identity …]` lines, overriding the kind an id\'s shape gives';
export const WECOM_OWNERS_HELP = 'archive input: a file of `<roomid> <owner userid>` lines (without it, messages have no owner)';

/**
 * The senders and owners lists of archive input, read from files under `cwd`. Returns null after
 * writing a bad line's diagnostic (`hush/wecom/bad-list-file`) to stderr; a missing file is a
 * usage error.
 */
export function loadArchiveOptions(files: { senders?: string; owners?: string }, io: CliIO): ArchiveOptions | null {
  const diags: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const read = <T>(file: string | undefined, parse: (text: string) => ListParse<T>): Map<string, T> | undefined => {
    if (file === undefined) return undefined;
    let text: string;
    try {
      text = readFileSync(resolve(io.cwd, file), 'utf8');
    } catch {
      throw new UsageError(`cannot read ${file}`);
    }
    sources.set(file, text);
    const r = parse(text);
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    for (const p of r.problems) {
      const offset = (starts[p.line - 1] ?? 0) + p.column - 1;
      const range = { start: { line: p.line, column: p.column, offset }, end: { line: p.line, column: p.column + p.length, offset: offset + p.length } };
      diags.push({ code: 'hush/wecom/bad-list-file', severity: 'error', message: p.message, file, range });
    }
    return r.entries;
  };
  const senders = read(files.senders, parseSendersList);
  const owners = read(files.owners, parseOwnersList);
  if (diags.length > 0) {
    io.stderr(renderDiagnostics('human', diags, { getSource: (f) => sources.get(f), color: false }));
    return null;
  }
  return { senders, owners };
}

export async function runRun(policy: string, opts: RunOptions, io: CliIO, input: NodeJS.ReadableStream = process.stdin): Promise<number> {
  const archive = opts.input === 'wecom-archive';
  if (!archive && (opts.wecomSenders !== undefined || opts.wecomOwners !== undefined)) {
    throw new UsageError('--wecom-senders and --wecom-owners go with --input wecom-archive');
  }
  if (opts.tz !== undefined) parseTimeZone(opts.tz); // a bad --tz is bad usage before anything is read
  const archiveOptions = archive ? loadArchiveOptions({ senders: opts.wecomSenders, owners: opts.wecomOwners }, io) : null;
  if (archive && !archiveOptions) return EXIT.failed;
  const loaded = await loadPolicy([policy], io, opts.engine);
  if (!loaded) return EXIT.failed;
  const tz = timeZoneFor(opts.tz, loaded.ir.contactQuota?.utcOffsetMinutes ?? loaded.ir.rules.find((r) => r.window)?.window?.utcOffsetMinutes);
  const show = opts.format === 'human' ? (out: string, n: number) => decisionLine(n, out, tz) : (out: string) => out;
  const opened = await openStore(opts.store ?? 'memory', io.cwd);
  try {
    if (archiveOptions) {
      const tally = new ArchiveTally();
      let status: number;
      if (opened.kind === 'sync') {
        const engine = createEngine(loaded.policy, { store: opened.store });
        status = await decideStream((line, n) => decideArchiveLine(engine, line, n, archiveOptions, tally), io, input, show, tally);
      } else {
        const engine = createAsyncEngine(loaded.policy, { store: opened.store });
        status = await decideStream((line, n) => decideArchiveLineAsync(engine, line, n, archiveOptions, tally), io, input, show, tally);
      }
      // The counts name unknown msgtypes, which come from the records: escaped for the terminal.
      io.stderr(terminalLines(tally.summary()));
      return status;
    }
    if (opened.kind === 'sync') {
      const engine = createEngine(loaded.policy, { store: opened.store });
      return await decideStream((line, n) => decideLine(engine, line, n), io, input, show);
    }
    const engine = createAsyncEngine(loaded.policy, { store: opened.store });
    return await decideStream((line, n) => decideLineAsync(engine, line, n), io, input, show);
  } finally {
    await opened.store.close();
  }
}

/** `tally`: archive input counts its records itself, too-long lines included, for its own summary. */
async function decideStream(
  decide: (line: string, n: number) => string | Promise<string>,
  io: CliIO,
  input: NodeJS.ReadableStream,
  show: (out: string, n: number) => string,
  tally?: ArchiveTally,
): Promise<number> {
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
      } else {
        out = tooLongRecord(n, line.tooLong);
        tally?.countUnread('hush/event/line-too-long');
      }
      if (out.startsWith('{"error"')) bad++;
      // Each decision is handed to the OS before the next event is applied.
      io.stdout(show(out, n) + '\n');
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
  if (bad > storeFailures && !tally) io.stderr(`hush: ${bad - storeFailures} of ${n} lines were not valid events (see the error records)\n`);
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
    .addOption(new Option('--input <format>', 'what each line is: a Hush event (jsonl) or a decrypted WeCom chat-archive record (wecom-archive)').choices(INPUTS).default('jsonl'))
    .option('--wecom-senders <file>', WECOM_SENDERS_HELP)
    .option('--wecom-owners <file>', WECOM_OWNERS_HELP)
    .addOption(new Option('-f, --format <format>', 'jsonl: one decision record per line (UTC times); human: one line per event in the policy\'s words').choices(OUTPUTS).default('jsonl'))
    .option('--tz <zone>', 'the time zone of the human format\'s times: +08:00, Z, Asia/Shanghai (default: the policy set\'s timezone, else +08:00)')
    .action(async (policy: string, opts: RunOptions) => {
      setStatus(await runRun(policy, opts, io));
    });
};
