// WeCom retries a callback it got no answer to within 5 seconds, three times in all (WeCom's
// 接收消息与事件 page, as quoted in its developer community; the official-account docs give the same
// rule): a retry carries the same message, and is decided once. The key of a message is the
// SHA-256 of all its decrypted fields and lists, not the FromUserName + CreateTime the docs
// suggest for events: customer-contact and group events all come from `sys`, so two different
// events of one second would be one (WxJava issue #2314 fixed exactly that mistake in its own
// duplicate check).
//
// The recent keys live in a bounded map (insertion order): at most `capacity` keys, each for
// `ttlMs` from its first arrival; the oldest go first. A retry that arrives while the first copy
// is still being decided waits for the same outcome; a copy whose outcome failed is forgotten, so
// the next retry decides it again.
import { createHash } from 'node:crypto';
import type { CallbackXml } from './callback-xml.ts';

/** The key of a decrypted callback message: its fields and lists, sorted, hashed. */
export function callbackKey(xml: CallbackXml): string {
  const fields = [...xml.fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const lists = [...xml.lists].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify([fields, lists])).digest('hex');
}

export interface RecentOptions {
  /** The most keys kept (default 10,000). */
  capacity?: number;
  /** How long a key is kept from its first arrival (default 10 minutes). */
  ttlMs?: number;
}

export class RecentCallbacks<T> {
  private readonly entries = new Map<string, { at: number; outcome: Promise<T> }>();
  private readonly capacity: number;
  private readonly ttlMs: number;

  constructor(options: RecentOptions = {}) {
    this.capacity = options.capacity ?? 10_000;
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The outcome of the message with this key: the one already under way or settled (a retry:
   * `duplicate`), or a new one from `start()`.
   */
  begin(key: string, now: number, start: () => Promise<T>): { duplicate: boolean; outcome: Promise<T> } {
    this.prune(now);
    const seen = this.entries.get(key);
    if (seen) return { duplicate: true, outcome: seen.outcome };
    const outcome = start();
    this.entries.set(key, { at: now, outcome });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return { duplicate: false, outcome };
  }

  /**
   * Drops a key whose outcome failed, so that WeCom's next retry is decided again; only while the
   * key still stands for that outcome (a newer copy begun since is kept).
   */
  forget(key: string, outcome: Promise<T>): void {
    if (this.entries.get(key)?.outcome === outcome) this.entries.delete(key);
  }

  private prune(now: number): void {
    for (const [k, e] of this.entries) {
      if (now - e.at < this.ttlMs) break;
      this.entries.delete(k);
    }
  }
}
