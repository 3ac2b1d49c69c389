// The decision log of `hush serve --decision-log PATH|-` (spec/service.md, "Decision log"): a
// `DecisionLogSink` writing one JSON object per decision, one per line, to an append-only file or
// to stdout. Nothing here is shared with the decide path but the sink's own queue: a decision
// hands its entry over (an array push) and the writer, a chain of promises on the event loop,
// formats and writes. Two modes:
// - durable: the entry's promise resolves once its line is written and synced (fdatasync); the
//   answer waits for it. Group commit: the entries that arrive while a write and sync are in
//   progress go together into the next one, so a thousand concurrent decisions cost a few syncs,
//   not a thousand. A failed write resolves `false` (the answer is 503 hush/service/log-failed).
// - buffered: a bounded queue; `write` never waits and never blocks. A full queue drops the entry
//   and counts it (`dropped`); lines are written without a sync, so a crash of the process loses
//   only what was still queued, a crash of the machine also what the OS had not written.
// A failed write never throws at a request: it is counted (`writeErrors`) and reported through
// `onError` (the service logs it).
import { createHash } from 'node:crypto';
import { constants, lstatSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { decisionJson } from '../index.ts';
import type { DecisionLogEntry, DecisionLogObserver, DecisionLogSink } from './decision-log.ts';

export type DecisionLogMode = 'durable' | 'buffered';
export const DECISION_LOG_MODES: readonly DecisionLogMode[] = ['durable', 'buffered'];
export const DECISION_LOG_MASKS = ['text'] as const;
export type DecisionLogMask = (typeof DECISION_LOG_MASKS)[number];
/** The default capacity of a buffered log's queue, in entries. */
export const DEFAULT_DECISION_LOG_QUEUE = 10_000;

export interface FileDecisionLogOptions {
  /** A file (created 0600 when missing, appended to) or `-` for stdout. */
  path: string;
  /** Default: durable for a file, buffered for stdout. */
  mode?: DecisionLogMode;
  /** `text`: a message's text is replaced by its length and a hash (see `maskedText`). */
  mask?: DecisionLogMask;
  /** A buffered log's capacity, in entries not yet written (default 10,000). */
  queue?: number;
  /** A failed write (counted already); the service logs it. */
  onError?: (err: NodeJS.ErrnoException, lines: number) => void;
}

/** The log cannot be used: a symlink, a folder, a file that cannot be opened for appending. */
export class DecisionLogOpenError extends Error {
  readonly code = 'hush/service/log-unusable';
}

/** Where the lines go. */
interface Target {
  write(buf: Buffer): Promise<void>;
  /** Makes what was written durable (a regular file: fdatasync); nothing for a pipe or device. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

class FileTarget implements Target {
  constructor(
    private readonly fh: FileHandle,
    private readonly regular: boolean,
  ) {}
  async write(buf: Buffer): Promise<void> {
    let off = 0;
    while (off < buf.length) {
      const { bytesWritten } = await this.fh.write(buf, off, buf.length - off);
      off += bytesWritten;
    }
  }
  async sync(): Promise<void> {
    if (this.regular) await this.fh.datasync();
  }
  close(): Promise<void> {
    return this.fh.close();
  }
}

class StdoutTarget implements Target {
  constructor() {
    // A closed pipe (EPIPE) surfaces through the write callback; the stream's 'error' event must
    // not bring the process down.
    process.stdout.on('error', () => undefined);
  }
  write(buf: Buffer): Promise<void> {
    return new Promise((done, fail) => {
      process.stdout.write(buf, (err) => (err ? fail(err) : done()));
    });
  }
  async sync(): Promise<void> {}
  async close(): Promise<void> {}
}

/**
 * Opens the log's file for appending (O_APPEND, created 0600, O_NOFOLLOW). A symlink or a folder
 * is refused, as is a path that cannot be opened: `DecisionLogOpenError`.
 */
async function openTarget(path: string): Promise<Target> {
  if (path === '-') return new StdoutTarget();
  let kind = 'missing';
  try {
    const st = lstatSync(path);
    kind = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'folder' : 'other';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new DecisionLogOpenError(`cannot use the decision log ${path} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  if (kind === 'symlink') throw new DecisionLogOpenError(`the decision log ${path} is a symbolic link; give the file itself`);
  if (kind === 'folder') throw new DecisionLogOpenError(`the decision log ${path} is a folder; give a file`);
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new DecisionLogOpenError(`the decision log ${path} is a symbolic link; give the file itself`);
    throw new DecisionLogOpenError(`cannot open the decision log ${path} for appending (${code ?? 'unwritable'})`);
  }
  const st = await fh.stat();
  if (st.isDirectory()) {
    await fh.close();
    throw new DecisionLogOpenError(`the decision log ${path} is a folder; give a file`);
  }
  return new FileTarget(fh, st.isFile());
}

/** A message's text in a masked log: its length (UTF-16 units) and the first 16 hex digits of its SHA-256. */
export function maskedText(text: string): string {
  return `masked:len=${text.length}:sha256=${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}

const LINE_BREAK = /[\r\n]/;

/** The event's JSON on one line (validated JSON: a line break can only be white space between tokens). */
function eventJson(text: string, mask: DecisionLogMask | undefined): string {
  if (mask === 'text') {
    const ev = JSON.parse(text) as Record<string, unknown>;
    if (typeof ev.text === 'string') ev.text = maskedText(ev.text);
    return JSON.stringify(ev);
  }
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1).trim() : text.trim();
  return LINE_BREAK.test(t) ? t.replace(/[\r\n]+/g, ' ') : t;
}

/**
 * The decision with the message's text masked: a keyword match's matched text, and a web address
 * found in the text (evidence with a span), are parts of the text.
 */
function maskedDecision(decision: unknown): string {
  const d = decision as { matches?: { evidence?: Record<string, unknown> }[] };
  if (!d.matches?.some((m) => m.evidence && 'start' in m.evidence)) return decisionJson(d);
  return decisionJson({
    ...d,
    matches: d.matches.map((m) => {
      const ev = m.evidence;
      if (!ev || !('start' in ev)) return m;
      const masked = { ...ev };
      if (typeof masked.text === 'string') masked.text = maskedText(masked.text);
      if (typeof masked.link === 'string') masked.link = maskedText(masked.link);
      return { ...m, evidence: masked };
    }),
  });
}

/** One line: {decision_id, revision, tenant (when not the default), at, latency_ms, event, decision}. */
export function decisionLogLine(e: DecisionLogEntry, mask?: DecisionLogMask): string {
  const tenant = e.tenant === '' ? '' : `"tenant":${JSON.stringify(e.tenant)},`;
  const latency = e.latency_ms === undefined ? 'null' : String(Math.round(e.latency_ms * 1000) / 1000);
  return `{"decision_id":${JSON.stringify(e.decision_id)},"revision":${JSON.stringify(e.revision)},${tenant}"at":"${new Date(e.decided_at).toISOString()}","latency_ms":${latency},"event":${eventJson(e.event, mask)},"decision":${mask === 'text' ? maskedDecision(e.decision) : decisionJson(e.decision)}}\n`;
}

interface Pending {
  entry: DecisionLogEntry;
  accepted: number;
  done?: (ok: boolean) => void;
}

export class FileDecisionLog implements DecisionLogSink {
  readonly mode: DecisionLogMode;
  private queue: Pending[] = [];
  private inFlight = 0;
  /** The writer is running (set and cleared synchronously: no entry is ever left without one). */
  private running = false;
  private writing: Promise<void> | null = null;
  private scheduled = false;
  private errors = 0;
  private drops = 0;
  private closed = false;
  /** After a failed write, the next one starts with a line break: a cut line never runs into the next. */
  private cut = false;
  private observer: DecisionLogObserver | null = null;
  private readonly capacity: number;

  private constructor(
    private readonly target: Target,
    private readonly options: FileDecisionLogOptions,
  ) {
    this.mode = options.mode ?? (options.path === '-' ? 'buffered' : 'durable');
    this.capacity = options.queue ?? DEFAULT_DECISION_LOG_QUEUE;
  }

  static async open(options: FileDecisionLogOptions): Promise<FileDecisionLog> {
    return new FileDecisionLog(await openTarget(options.path), options);
  }

  get depth(): number {
    return this.queue.length + this.inFlight;
  }
  get writeErrors(): number {
    return this.errors;
  }
  get dropped(): number {
    return this.drops;
  }
  attach(observer: DecisionLogObserver): void {
    this.observer = observer;
  }

  write(entry: DecisionLogEntry): void | Promise<boolean> {
    if (this.mode === 'buffered') {
      if (this.closed || this.depth >= this.capacity) {
        this.drops++;
        return;
      }
      this.queue.push({ entry, accepted: performance.now() });
      this.schedule();
      return;
    }
    if (this.closed) {
      this.errors++;
      return Promise.resolve(false);
    }
    return new Promise<boolean>((done) => {
      this.queue.push({ entry, accepted: performance.now(), done });
      this.schedule();
    });
  }

  /**
   * Starts the writer after the current synchronous work: the entries of a batch decided in one
   * go, or of requests answered in one turn of the event loop, share one write.
   */
  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (this.running || this.queue.length === 0) return;
      this.running = true;
      this.writing = this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue;
        this.queue = [];
        this.inFlight = group.length;
        let ok = true;
        try {
          let text = this.cut ? '\n' : '';
          for (const p of group) text += decisionLogLine(p.entry, this.options.mask);
          await this.target.write(Buffer.from(text, 'utf8'));
          if (this.mode === 'durable') await this.target.sync();
          this.cut = false;
        } catch (e) {
          ok = false;
          this.cut = true;
          this.errors += group.length;
          try {
            this.options.onError?.(e as NodeJS.ErrnoException, group.length);
          } catch {
            // a logger's failure is not the log's
          }
        }
        this.inFlight = 0;
        const now = performance.now();
        for (const p of group) {
          if (ok) this.observer?.written((now - p.accepted) / 1000);
          p.done?.(ok);
        }
      }
    } finally {
      // In the same turn as the last look at the queue: an entry queued after it finds the writer
      // stopped and schedules a new run.
      this.running = false;
      this.writing = null;
    }
  }

  async flush(): Promise<void> {
    while (this.running || this.scheduled || this.queue.length > 0) {
      if (this.running && this.writing) await this.writing;
      else await new Promise<void>((r) => setImmediate(r));
    }
  }

  private closing: Promise<void> | null = null;

  /** Refuses new entries (buffered: dropped; durable: failed), writes what was accepted, closes the file. */
  close(): Promise<void> {
    this.closed = true;
    return (this.closing ??= this.flush().then(() => this.target.close()));
  }
}

/** Opens the decision log `hush serve --decision-log` names. */
export function openDecisionLog(options: FileDecisionLogOptions): Promise<FileDecisionLog> {
  return FileDecisionLog.open(options);
}
