// The state behind decisions, behind one small interface: flood windows, joins, mutes and the
// blacklists that `blacklist` actions build up. The engine owns all state and reaches it only
// through `Store`, so issue 4's SQLite and Redis stores drop in beside `MemoryStore`.
//
// The interface is synchronous: the in-memory store must decide 300,000 messages a second, and
// better-sqlite3 (issue 4's embedded store) is synchronous too. A Redis store needs an async
// variant with the same operations, each one a single atomic Lua script (record-and-count is
// already one operation here for that reason). All times are event times in epoch milliseconds.

export type BlacklistScope = 'enterprise' | 'personal' | 'group';

/** A blacklist entry added by a `blacklist` action. */
export interface ActionBlacklist {
  scope: BlacklistScope;
  /** The owner (personal) or group (group) the entry belongs to; '' for the enterprise. */
  key: string;
  at: number;
}

export interface Store {
  /**
   * Records one message of `sender` in `group` at `at` and returns how many of the sender's
   * recorded messages in the group lie in the window (at − windowMs, at], this one included.
   */
  recordMessage(group: string, sender: string, at: number, windowMs: number): number;
  /** Counts without recording (for a second flood window of the same message). */
  countMessages(group: string, sender: string, at: number, windowMs: number): number;
  /** Records that `member` joined `group` at `at` (a later join replaces an earlier one). */
  recordJoin(group: string, member: string, at: number): void;
  joinedAt(group: string, member: string): number | null;
  /** Mutes the sender in the group until `until` (keeps the later end when already muted). */
  mute(group: string, sender: string, until: number): void;
  /** When the sender's mute in the group ends, or null; an ended mute may still be returned. */
  mutedUntil(group: string, sender: string): number | null;
  /** Adds the sender to a blacklist; `key` is the owner (personal), the group (group) or ''. */
  blacklist(scope: BlacklistScope, key: string, sender: string, at: number): void;
  /** The sender's entry on one action-made blacklist (`key` as for `blacklist`), or null. */
  blacklistEntry(scope: BlacklistScope, key: string, sender: string): ActionBlacklist | null;
}

const SEP = '\u0000';

/**
 * Timestamps of one (group, sender), sorted, in a growable window. The oldest entries are
 * dropped once they lie outside the longest window ever asked about for this key.
 */
interface Window {
  times: number[];
  /** Index of the first live entry in `times`. */
  head: number;
  /** The longest window asked about for this key. */
  maxWindow: number;
}

export interface MemoryStoreOptions {
  /**
   * How often (in event time) idle flood windows are swept, so that senders who stopped talking
   * free their memory. Default: one hour.
   */
  sweepEveryMs?: number;
}

/** State in the process's memory: fast, and gone when the process ends. */
export class MemoryStore implements Store {
  private windows = new Map<string, Window>();
  private joins = new Map<string, number>();
  private mutes = new Map<string, number>();
  private lists = new Map<string, ActionBlacklist>();
  private nextSweep = -Infinity;
  private readonly sweepEveryMs: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.sweepEveryMs = options.sweepEveryMs ?? 3_600_000;
  }

  recordMessage(group: string, sender: string, at: number, windowMs: number): number {
    const key = group + SEP + sender;
    let w = this.windows.get(key);
    if (!w) {
      w = { times: [], head: 0, maxWindow: 0 };
      this.windows.set(key, w);
    }
    // Insert in order; events normally arrive in time order, so this is a push.
    const t = w.times;
    let i = t.length;
    while (i > w.head && t[i - 1] > at) i--;
    if (i === t.length) t.push(at);
    else t.splice(i, 0, at);
    const n = this.count(w, at, windowMs);
    if (at >= this.nextSweep) this.sweep(at);
    return n;
  }

  /** How many (group, sender) flood windows are held (for tests and monitoring). */
  get windowCount(): number {
    return this.windows.size;
  }

  countMessages(group: string, sender: string, at: number, windowMs: number): number {
    const w = this.windows.get(group + SEP + sender);
    return w ? this.count(w, at, windowMs) : 0;
  }

  private count(w: Window, at: number, windowMs: number): number {
    if (windowMs > w.maxWindow) w.maxWindow = windowMs;
    const t = w.times;
    // Entries at or before the edge of the longest window can never count again.
    const edge = at - w.maxWindow;
    while (w.head < t.length && t[w.head] <= edge) w.head++;
    if (w.head > 64 && w.head * 2 > t.length) {
      t.splice(0, w.head);
      w.head = 0;
    }
    // (at − windowMs, at]: the first entry after the lower edge, up to the last at or before at.
    const lo = upperBound(t, w.head, t.length, at - windowMs);
    const hi = upperBound(t, lo, t.length, at);
    return hi - lo;
  }

  /**
   * Drops the windows whose every entry is too old to count again. One sweep period of slack
   * keeps the windows of events that arrive a little out of order (other groups' events may run
   * ahead of this one's).
   */
  private sweep(at: number): void {
    this.nextSweep = at + this.sweepEveryMs;
    for (const [k, w] of this.windows) {
      const last = w.times[w.times.length - 1];
      if (w.maxWindow > 0 && last <= at - w.maxWindow - this.sweepEveryMs) this.windows.delete(k);
    }
  }

  recordJoin(group: string, member: string, at: number): void {
    this.joins.set(group + SEP + member, at);
  }

  joinedAt(group: string, member: string): number | null {
    return this.joins.get(group + SEP + member) ?? null;
  }

  mute(group: string, sender: string, until: number): void {
    const k = group + SEP + sender;
    const prev = this.mutes.get(k);
    if (prev === undefined || until > prev) this.mutes.set(k, until);
  }

  mutedUntil(group: string, sender: string): number | null {
    return this.mutes.get(group + SEP + sender) ?? null;
  }

  blacklist(scope: BlacklistScope, key: string, sender: string, at: number): void {
    const k = scope + SEP + key + SEP + sender;
    if (!this.lists.has(k)) this.lists.set(k, { scope, key, at });
  }

  blacklistEntry(scope: BlacklistScope, key: string, sender: string): ActionBlacklist | null {
    if (this.lists.size === 0) return null;
    return this.lists.get(scope + SEP + key + SEP + sender) ?? null;
  }
}

/** The first index in [lo, hi) whose value is greater than `x`. */
function upperBound(a: number[], lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
