// The producer side of a worker stream (`hush serve --enqueue`, spec/deploy.md §4): validated
// event lines appended to the stream, one entry each (the field `event`), for `hush worker` to
// decide. The queue is bounded and never drops: one Lua script checks the stream's length and
// appends a whole batch or nothing, so a batch that would take the stream past `maxLength`
// entries is refused (`full`) and the producer is told to retry; nothing already queued is ever
// trimmed. The length counts every entry the stream holds, acknowledged ones included: workers
// started with `--delete-acked` (or an operator's XTRIM) keep it to the backlog.
import { Redis } from 'ioredis';
import type { StreamTarget } from './stream-target.ts';
import { EVENT_FIELD } from './stream-worker.ts';
import { WorkerError } from './worker-error.ts';

/** KEYS: the stream. ARGV: the most entries, then the events. Returns their entry ids, or the error `HUSHFULL <length>`. */
const ENQUEUE_LUA = `local n = redis.call('XLEN', KEYS[1])
if n + #ARGV - 1 > tonumber(ARGV[1]) then return redis.error_reply('HUSHFULL ' .. n) end
local ids = {}
for i = 2, #ARGV do ids[#ids + 1] = redis.call('XADD', KEYS[1], '*', '${EVENT_FIELD}', ARGV[i]) end
return ids`;

export const DEFAULT_QUEUE_MAX = 1_000_000;

export type EnqueueResult = { ok: true; ids: string[] } | { ok: false; reason: 'full' | 'unreachable'; message: string };

export class StreamQueue {
  private constructor(
    private readonly redis: Redis,
    readonly target: StreamTarget,
    readonly maxLength: number,
  ) {
    redis.defineCommand('hushEnqueue', { numberOfKeys: 1, lua: ENQUEUE_LUA });
  }

  /** Connects and checks that the key is a stream (or absent); otherwise a WorkerError. */
  static async open(target: StreamTarget, options: { maxLength?: number; commandTimeoutMs?: number } = {}): Promise<StreamQueue> {
    const redis = new Redis(target.url, {
      db: target.db,
      lazyConnect: true,
      connectTimeout: 2000,
      commandTimeout: options.commandTimeoutMs ?? 2000,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (n: number) => Math.min(100 * 2 ** Math.min(n, 5), 2000),
    });
    redis.on('error', () => {});
    try {
      await redis.connect();
      const type = await redis.type(target.stream);
      if (type !== 'none' && type !== 'stream') throw new WorkerError('hush/worker/not-a-stream', `the key "${target.stream}" holds a ${type}, not a stream`, target.address);
    } catch (e) {
      redis.disconnect();
      if (e instanceof WorkerError) throw e;
      throw new WorkerError('hush/worker/unreachable', `the stream's server at ${target.address} cannot be used (${(e as Error).message})`, target.address);
    }
    return new StreamQueue(redis, target, options.maxLength ?? DEFAULT_QUEUE_MAX);
  }

  /** Appends the events, all or none; their entry ids in order. */
  async add(events: readonly string[]): Promise<EnqueueResult> {
    if (events.length === 0) return { ok: true, ids: [] };
    try {
      const ids = await (this.redis as unknown as { hushEnqueue(...a: (string | number)[]): Promise<string[]> }).hushEnqueue(this.target.stream, this.maxLength, ...events);
      return { ok: true, ids };
    } catch (e) {
      const m = /HUSHFULL (\d+)/.exec((e as Error).message);
      if (m) return { ok: false, reason: 'full', message: `the queue holds ${m[1]} entries; it takes at most ${this.maxLength}` };
      return { ok: false, reason: 'unreachable', message: 'the queue cannot be reached' };
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
