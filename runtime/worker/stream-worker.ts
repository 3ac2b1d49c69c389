// A worker on a Redis Stream (`hush worker`, spec/deploy.md §4): it reads events from a stream
// through a consumer group, decides each, and writes the decision to an output stream, where each
// input entry gets exactly one decision (decided-script.ts). The loop:
//
//   1. its own pending entries first (XREADGROUP … 0): those it read and did not finish, after a
//      restart under the same consumer name or a failure;
//   2. every `claimEveryMs`, the pending entries of any consumer idle for `claimAfterMs` or more
//      (XAUTOCLAIM): a worker that died, or stalled, no longer holds its entries;
//   3. new entries (XREADGROUP … >, at most `count`, blocking up to `blockMs`, and never longer
//      than `claimEveryMs`, so that an idle worker still claims in time).
//
// Each entry is decided in order and acknowledged only once its decision and its state are
// stored. When the store fails with a code it may come back from (`unreachable`, `failed`), the
// entry is not acknowledged: the worker waits (100 ms, doubling to 2 s) and takes up its pending
// entries again; the state changes already made are idempotent by the event's id (spec/runtime.md,
// "Replays"). When the store's state is unreadable or gone (`corrupt`, `version`, `lost`) the
// worker stops without acknowledging: no event is decided on lost state. A lost connection to the
// stream's server is waited out the same way. An event without `at` is timed by its entry's id
// (the milliseconds Redis gave it), so a second decision of the same entry sees the same time.
import { Redis } from 'ioredis';
import { errorRecord, MAX_LINE_BYTES, StoreError, storeErrorStops, tooLongRecord } from '../index.ts';
import { DECIDED_LUA } from './decided-script.ts';
import type { StreamTarget } from './stream-target.ts';
import { WorkerError } from './worker-error.ts';

export interface StreamWorkerOptions {
  target: StreamTarget;
  group: string;
  consumer: string;
  /** The output stream's key. */
  output: string;
  /**
   * Decides one event line (the JSON line format: a decision, or an error record). `at` is the
   * time of an event without `at`. Rejects with a StoreError when the store fails.
   */
  decide: (text: string, at: number) => string | Promise<string>;
  /** Pending entries idle this long are claimed from their consumer (default 30 s). */
  claimAfterMs?: number;
  /** How often to look for such entries (default: a quarter of `claimAfterMs`, 100 ms … 5 s). */
  claimEveryMs?: number;
  /** The most entries read or claimed at once (default 16). */
  count?: number;
  /** How long a read waits for new entries (default 2 s; `stop()` ends the wait at once). */
  blockMs?: number;
  /** Delete each input entry once acknowledged (when this group is the stream's only reader). */
  deleteAcked?: boolean;
  /** Each command's timeout but the blocking read's (default 2 s). */
  commandTimeoutMs?: number;
  log?: (e: WorkerLogEvent) => void;
}

export interface WorkerLogEvent {
  level: 'info' | 'warn' | 'error';
  event: 'started' | 'retry' | 'claimed' | 'entries-gone' | 'stopping' | 'stopped' | 'store-lost' | 'group-gone';
  message: string;
  code?: string;
}

export interface WorkerStats {
  /** Entries whose decision this worker wrote (error records included). */
  written: number;
  /** Of those, error records (a bad event, a bad entry). */
  errorRecords: number;
  /** Entries this worker decided that another had written first (nothing written). */
  alreadyDecided: number;
  /** Entries taken over from other consumers. */
  claimed: number;
  /** Failures waited out (store or stream unreachable, a timeout). */
  retries: number;
}

export type WorkerEnd = { stopped: 'signal' } | { stopped: 'store'; error: StoreError } | { stopped: 'group'; error: WorkerError };

type Entry = [id: string, fields: string[] | null];

/** The field of an input entry that holds the event's JSON text. */
export const EVENT_FIELD = 'event';

const MAX_BACKOFF_MS = 2000;

export class StreamWorker {
  readonly stats: WorkerStats = { written: 0, errorRecords: 0, alreadyDecided: 0, claimed: 0, retries: 0 };
  private stopping = false;
  private wake: (() => void) | null = null;
  private readerId: number | null = null;
  private readonly claimAfterMs: number;
  private readonly claimEveryMs: number;
  private readonly count: number;
  private readonly blockMs: number;
  private readonly log: (e: WorkerLogEvent) => void;

  private constructor(
    private readonly o: StreamWorkerOptions,
    /** Every command but the blocking read. */
    private readonly cmd: Redis,
    /** The blocking read alone (a blocked connection can do nothing else). */
    private readonly reader: Redis,
  ) {
    this.claimAfterMs = o.claimAfterMs ?? 30_000;
    this.claimEveryMs = o.claimEveryMs ?? Math.min(5000, Math.max(100, Math.floor(this.claimAfterMs / 4)));
    this.count = o.count ?? 16;
    this.blockMs = o.blockMs ?? 2000;
    this.log = o.log ?? (() => {});
    cmd.defineCommand('hushDecided', { numberOfKeys: 2, lua: DECIDED_LUA });
  }

  /**
   * Connects, checks the keys and creates the group when it is new (reading from the stream's
   * start, so that events added before the first worker are decided). A server that cannot be
   * reached, or a key that is not a stream, is a WorkerError.
   */
  static async open(o: StreamWorkerOptions): Promise<StreamWorker> {
    const t = o.target;
    if (o.output === t.stream) throw new WorkerError('hush/worker/bad-option', 'the output stream must not be the input stream', t.address);
    const timeout = o.commandTimeoutMs ?? 2000;
    const common = {
      db: t.db,
      lazyConnect: true,
      connectTimeout: 2000,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // Reconnect for ever, the worker waits; never a storm.
      retryStrategy: (n: number) => Math.min(100 * 2 ** Math.min(n, 5), MAX_BACKOFF_MS),
    };
    const cmd = new Redis(t.url, { ...common, commandTimeout: timeout });
    const reader = new Redis(t.url, { ...common, commandTimeout: (o.blockMs ?? 2000) + timeout });
    // Connection errors surface as failed commands; the events themselves would be unhandled.
    cmd.on('error', () => {});
    reader.on('error', () => {});
    const w = new StreamWorker(o, cmd, reader);
    try {
      await Promise.all([cmd.connect(), reader.connect()]);
      reader.on('ready', () => void w.learnReaderId());
      await w.learnReaderId();
      for (const key of [t.stream, o.output]) {
        const type = await cmd.type(key);
        if (type !== 'none' && type !== 'stream') throw new WorkerError('hush/worker/not-a-stream', `the key "${key}" holds a ${type}, not a stream`, t.address);
      }
      try {
        await cmd.xgroup('CREATE', t.stream, o.group, '0', 'MKSTREAM');
      } catch (e) {
        if (!/BUSYGROUP/.test((e as Error).message)) throw e;
      }
    } catch (e) {
      cmd.disconnect();
      reader.disconnect();
      if (e instanceof WorkerError) throw e;
      throw new WorkerError('hush/worker/unreachable', `the stream's server at ${t.address} cannot be used (${(e as Error).message})`, t.address);
    }
    return w;
  }

  private async learnReaderId(): Promise<void> {
    try {
      this.readerId = Number(await this.reader.client('ID'));
    } catch {
      this.readerId = null;
    }
  }

  /**
   * Stops after the entries in hand: each is decided, written and acknowledged; the blocking
   * read is ended at once (CLIENT UNBLOCK), a wait between retries too.
   */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.log({ level: 'info', event: 'stopping', message: 'stopping after the entries in hand' });
    this.wake?.();
    if (this.readerId !== null) this.cmd.client('UNBLOCK', this.readerId).catch(() => undefined);
  }

  /** Runs until `stop()` (or a store whose state is gone); then closes the connections. */
  async run(): Promise<WorkerEnd> {
    const { stream } = this.o.target;
    this.log({ level: 'info', event: 'started', message: `consuming ${stream} as ${this.o.consumer} of group ${this.o.group}, deciding into ${this.o.output}` });
    let own: string | null = '0'; // reading our own pending entries from this id; null: done
    let cursor = '0-0';
    let lastClaim = 0;
    let backoff = 0;
    try {
      while (!this.stopping) {
        try {
          let batch: Entry[];
          if (own !== null) {
            batch = this.entriesOf(await this.reader.xreadgroup('GROUP', this.o.group, this.o.consumer, 'COUNT', this.count, 'STREAMS', stream, own));
            own = batch.length === 0 ? null : batch[batch.length - 1][0];
          } else if (Date.now() - lastClaim >= this.claimEveryMs || cursor !== '0-0') {
            // Claims go on from the cursor until the whole pending list was scanned.
            lastClaim = Date.now();
            const r = (await this.cmd.xautoclaim(stream, this.o.group, this.o.consumer, this.claimAfterMs, cursor, 'COUNT', this.count)) as [string, Entry[], string[]?];
            cursor = r[0];
            batch = r[1].filter((e) => e !== null);
            if (batch.length > 0) {
              this.stats.claimed += batch.length;
              this.log({ level: 'info', event: 'claimed', message: `took over ${batch.length} pending entries idle for ${this.claimAfterMs} ms or more` });
            }
            // Entries deleted from the stream while pending: XAUTOCLAIM drops them from the group.
            const gone = r[2] ?? [];
            if (gone.length > 0) this.log({ level: 'warn', event: 'entries-gone', message: `${gone.length} pending entries were deleted from the stream before they were decided: ${gone.slice(0, 10).join(', ')}` });
          } else {
            batch = this.entriesOf(await this.reader.xreadgroup('GROUP', this.o.group, this.o.consumer, 'COUNT', this.count, 'BLOCK', Math.min(this.blockMs, this.claimEveryMs), 'STREAMS', stream, '>'));
          }
          await this.decideAll(batch);
          backoff = 0;
        } catch (e) {
          if (e instanceof StoreError && storeErrorStops(e)) throw e;
          // The group (or the whole stream) vanished: the server restarted without its data, or
          // someone destroyed the group. Creating it again would decide the stream's entries a
          // second time, or silently skip what was lost: stop, and let the operator say.
          if (/^NOGROUP/.test((e as Error).message ?? '')) {
            const error = new WorkerError('hush/worker/group-gone', `the consumer group "${this.o.group}" of ${stream} is gone (the server restarted without its data, or the group was destroyed)`, this.o.target.address);
            this.log({ level: 'error', event: 'group-gone', code: error.code, message: `${error.message}; stopping` });
            return { stopped: 'group', error };
          }
          // A store that may come back, a lost connection, a timeout: nothing unfinished was
          // acknowledged. Wait, then take up our own pending entries again.
          this.stats.retries++;
          backoff = Math.min(MAX_BACKOFF_MS, backoff === 0 ? 100 : backoff * 2);
          const code = e instanceof StoreError ? e.code : 'hush/worker/unreachable';
          if (!this.stopping) this.log({ level: 'warn', event: 'retry', code, message: `${(e as Error).message}; retrying in ${backoff} ms` });
          own = '0';
          await this.sleep(backoff);
        }
      }
      return { stopped: 'signal' };
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      this.log({ level: 'error', event: 'store-lost', code: e.code, message: `${e.message}; stopping: no later event is decided` });
      return { stopped: 'store', error: e };
    } finally {
      this.log({ level: 'info', event: 'stopped', message: `stopped: ${this.stats.written} decisions written, ${this.stats.alreadyDecided} already written by another worker, ${this.stats.claimed} entries claimed, ${this.stats.retries} retries` });
      this.cmd.disconnect();
      this.reader.disconnect();
    }
  }

  /** The entries of an XREADGROUP reply (null: none). */
  private entriesOf(reply: unknown): Entry[] {
    if (!Array.isArray(reply) || reply.length === 0) return [];
    return (reply[0] as [string, Entry[]])[1];
  }

  /** Decides and writes each entry in order; throws (leaving the rest unacknowledged) when the store or the server fails. */
  private async decideAll(batch: Entry[]): Promise<void> {
    for (const [id, fields] of batch) {
      const line = await this.decideEntry(id, fields);
      const out = (await (this.cmd as unknown as { hushDecided(...a: (string | number)[]): Promise<string | null> }).hushDecided(
        this.o.target.stream,
        this.o.output,
        this.o.group,
        id,
        line,
        this.o.deleteAcked ? '1' : '0',
      )) as string | null;
      if (out === null) this.stats.alreadyDecided++;
      else {
        this.stats.written++;
        if (line.startsWith('{"error"')) this.stats.errorRecords++;
      }
    }
  }

  /** The decision line of one entry: the event's, or an error record for an entry that is not one event. */
  private async decideEntry(id: string, fields: string[] | null): Promise<string> {
    const bad = (code: string, message: string) => errorRecord(1, { code, field: '', message });
    if (fields === null) return bad('hush/worker/entry-gone', `the entry ${id} was deleted from the stream before it was decided`);
    if (fields.length !== 2 || fields[0] !== EVENT_FIELD) {
      return bad('hush/worker/bad-entry', `an entry holds one field, "${EVENT_FIELD}", with the event's JSON; entry ${id} has ${fields.length / 2} field(s)`);
    }
    const text = fields[1];
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_LINE_BYTES) return tooLongRecord(1, bytes);
    const at = Number(/^(\d+)-\d+$/.exec(id)?.[1] ?? Date.now());
    try {
      const d = this.o.decide(text, at);
      return typeof d === 'string' ? d : await d;
    } catch (e) {
      if (e instanceof StoreError) throw e;
      // Hush's own failure on this event: an error record, never a worker that dies on every
      // delivery of the same entry.
      return bad('hush/worker/internal', `internal error: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
