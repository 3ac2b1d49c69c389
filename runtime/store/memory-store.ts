// State in the process's memory: fast, and gone when the process ends. The default store of
// `createEngine`, and the reference for the store conformance suite.
//
// The per-message state (flood windows, mutes, joins, action-made blacklists) is asked about on
// every message, so it is kept in two-level maps by sender, then group (or list): a key joined
// from the two strings would be a fresh string on every call, allocated and hashed each time (a
// few hundred nanoseconds a look-up on the engine benchmark's heap), where the event's own
// strings are hashed once. Most senders were never muted, blacklisted or seen joining, so those
// look-ups usually end at the first level.
//
// Flood windows follow spec/runtime.md §7: per (group, sender), pruned only by their own messages
// (at or before the key's edge), replays of an id not counted, idle windows dropped by the wall
// clock (`now`), never by another key's event time.
import {
  compareSanctions,
  compareStrings,
  FLOOD_IDLE_SLACK_MS as IDLE_SLACK_MS,
  type ActionBlacklist,
  type AppealRecord,
  type BlacklistScope,
  type ContactResult,
  type MessageAdmission,
  type MessageAdmitted,
  type SanctionRecord,
  type Store,
  type StrikeRecord,
  type StrikeResult,
} from './store.ts';
import { admitJoinOn, admitMessageOn } from './admit.ts';

const SEP = '\u0000';

/** Values by two strings (sender, then group or list), without a joined key. */
class TwoLevelMap<V> {
  readonly outer = new Map<string, Map<string, V>>();
  /** The number of (first, second) entries. */
  size = 0;

  get(first: string, second: string): V | undefined {
    // An empty map answers without hashing either string.
    return this.size === 0 ? undefined : this.outer.get(first)?.get(second);
  }

  set(first: string, second: string, value: V): void {
    let inner = this.outer.get(first);
    if (inner === undefined) this.outer.set(first, (inner = new Map()));
    const before = inner.size;
    inner.set(second, value);
    this.size += inner.size - before;
  }

  /** Every entry, as [first, second, value]; deleting the entry just visited is allowed. */
  *entries(): Generator<[string, string, V]> {
    for (const [first, inner] of this.outer) for (const [second, value] of inner) yield [first, second, value];
  }

  delete(first: string, second: string): void {
    const inner = this.outer.get(first);
    if (inner === undefined || !inner.delete(second)) return;
    this.size--;
    if (inner.size === 0) this.outer.delete(first);
  }
}

/**
 * Timestamps of one (group, sender), sorted, in a growable window. The oldest entries are
 * dropped once they lie at or before the key's edge.
 */
interface Window {
  times: number[];
  /** Index of the first live entry in `times`. */
  head: number;
  /** The longest window asked about for this key. */
  maxWindow: number;
  /** The latest `at − maxWindow` of the key's recorded messages: entries at or before it are gone. */
  edge: number;
  /** Wall-clock time of the last recorded message (or widening): the window is idle from then. */
  touched: number;
  /** The messages' ids, beside `times` (undefined: no id); null until the key sees one. */
  ids: (string | undefined)[] | null;
  /** The live ids, for the replay check. */
  idSet: Set<string> | null;
}

export interface MemoryStoreOptions {
  /**
   * How often (wall clock) idle flood windows are swept, so that senders who stopped talking free
   * their memory. Default: one hour.
   */
  sweepEveryMs?: number;
  /** The wall clock (epoch ms) that idleness is measured on. Default: `Date.now`. */
  now?: () => number;
}

/** State in the process's memory: fast, and gone when the process ends. */
export class MemoryStore implements Store {
  /** By sender, then group. */
  private windows = new TwoLevelMap<Window>();
  private joins = new TwoLevelMap<number>();
  private mutes = new TwoLevelMap<number>();
  /** By sender, then scope and key (`scope \0 key`). */
  private lists = new TwoLevelMap<ActionBlacklist>();
  /** Strikes by ladder + subject, oldest first. */
  private strikes = new Map<string, StrikeRecord[]>();
  private sanctions = new Map<string, SanctionRecord>();
  private sanctionsBySubject = new Map<string, SanctionRecord[]>();
  private linked = new Map<string, { blocked: boolean; at: number }>();
  private appeals = new Map<string, AppealRecord[]>();
  /** Contacts added by subject + day. */
  private contacts = new Map<string, Set<string>>();
  private nextSweep = -Infinity;
  private readonly sweepEveryMs: number;
  private readonly now: () => number;

  constructor(options: MemoryStoreOptions = {}) {
    this.sweepEveryMs = options.sweepEveryMs ?? 3_600_000;
    this.now = options.now ?? Date.now;
  }

  recordMessage(group: string, sender: string, at: number, windowMs: number, id?: string): number {
    const now = this.now();
    let w = this.windows.get(sender, group);
    if (w !== undefined && now >= w.touched + w.maxWindow + IDLE_SLACK_MS) {
      // Idle past its time to live: forgotten, as Redis expires the key.
      this.windows.delete(sender, group);
      w = undefined;
    }
    let n: number;
    if (w === undefined) {
      // Made with its first entry: an array that starts empty and is pushed to reserves room for
      // 17, and most windows (a sender's first message in a group) never hold a second.
      w = { times: [at], head: 0, maxWindow: windowMs, edge: at - windowMs, touched: now, ids: null, idSet: null };
      if (id !== undefined) {
        w.ids = [id];
        w.idSet = new Set([id]);
      }
      this.windows.set(sender, group, w);
      n = 1;
    } else {
      if (windowMs > w.maxWindow) {
        w.maxWindow = windowMs;
        w.touched = now;
      }
      if (at <= w.edge) n = 1; // Older than the key's edge: counted as itself, never kept.
      else if (id !== undefined && w.idSet !== null && w.idSet.has(id)) n = this.count(w, at, windowMs); // A replay.
      else {
        // Insert in order; events normally arrive in time order, so this is a push.
        const t = w.times;
        let i = t.length;
        while (i > w.head && t[i - 1] > at) i--;
        if (i === t.length) t.push(at);
        else t.splice(i, 0, at);
        if (id !== undefined && w.ids === null) {
          w.ids = new Array<string | undefined>(t.length - 1).fill(undefined);
          w.idSet = new Set();
        }
        if (w.ids !== null) {
          if (i === w.ids.length) w.ids.push(id);
          else w.ids.splice(i, 0, id);
          if (id !== undefined) w.idSet!.add(id);
        }
        w.touched = now;
        const edge = at - w.maxWindow;
        if (edge > w.edge) {
          w.edge = edge;
          this.prune(w);
        }
        n = this.count(w, at, windowMs);
      }
    }
    if (now >= this.nextSweep) this.sweep(now);
    return n;
  }

  /** How many (group, sender) flood windows are held (for tests and monitoring). */
  get windowCount(): number {
    return this.windows.size;
  }

  countMessages(group: string, sender: string, at: number, windowMs: number): number {
    const w = this.windows.get(sender, group);
    if (w === undefined) return 0;
    const now = this.now();
    if (now >= w.touched + w.maxWindow + IDLE_SLACK_MS) {
      this.windows.delete(sender, group);
      return 0;
    }
    if (windowMs > w.maxWindow) {
      w.maxWindow = windowMs;
      w.touched = now;
    }
    return at <= w.edge ? 1 : this.count(w, at, windowMs);
  }

  /** Drops the entries at or before the edge (and their ids). */
  private prune(w: Window): void {
    const t = w.times;
    const ids = w.ids;
    while (w.head < t.length && t[w.head] <= w.edge) {
      if (ids !== null) {
        const x = ids[w.head];
        if (x !== undefined) w.idSet!.delete(x);
      }
      w.head++;
    }
    if (w.head > 64 && w.head * 2 > t.length) {
      t.splice(0, w.head);
      if (ids !== null) ids.splice(0, w.head);
      w.head = 0;
    }
  }

  /** The live entries in (at − windowMs, at]. */
  private count(w: Window, at: number, windowMs: number): number {
    const t = w.times;
    const lo = upperBound(t, w.head, t.length, at - windowMs);
    const hi = upperBound(t, lo, t.length, at);
    return hi - lo;
  }

  /** Drops the windows idle (wall clock) for longer than their longest window plus the slack. */
  private sweep(now: number): void {
    this.nextSweep = now + this.sweepEveryMs;
    for (const [sender, group, w] of this.windows.entries()) {
      if (now >= w.touched + w.maxWindow + IDLE_SLACK_MS) this.windows.delete(sender, group);
    }
  }

  admitMessage(q: MessageAdmission): MessageAdmitted {
    return admitMessageOn(this, q);
  }

  admitJoin(group: string, member: string, at: number): ActionBlacklist | null {
    return admitJoinOn(this, group, member, at);
  }

  recordJoin(group: string, member: string, at: number): void {
    this.joins.set(member, group, at);
  }

  joinedAt(group: string, member: string): number | null {
    return this.joins.get(member, group) ?? null;
  }

  mute(group: string, sender: string, until: number): void {
    const prev = this.mutes.get(sender, group);
    if (prev === undefined || until > prev) this.mutes.set(sender, group, until);
  }

  mutedUntil(group: string, sender: string): number | null {
    return this.mutes.get(sender, group) ?? null;
  }

  blacklist(scope: BlacklistScope, key: string, sender: string, at: number): void {
    const list = scope + SEP + key;
    if (this.lists.get(sender, list) === undefined) this.lists.set(sender, list, { scope, key, at });
  }

  blacklistEntry(scope: BlacklistScope, key: string, sender: string): ActionBlacklist | null {
    // The sender first: the joined list name is built only for a sender on some list.
    const lists = this.lists.size === 0 ? undefined : this.lists.outer.get(sender);
    return lists === undefined ? null : (lists.get(scope + SEP + key) ?? null);
  }

  addStrike(ladder: string, subject: string, violation: string, at: number, expireMs: number | null, counted: boolean): StrikeResult {
    const k = ladder + SEP + subject;
    let list = this.strikes.get(k);
    if (!list) this.strikes.set(k, (list = []));
    const prev = list.find((x) => x.violation === violation);
    if (prev) return { ordinal: prev.ordinal, duplicate: true };
    if (!counted) {
      list.push({ ladder, subject, violation, at, ordinal: 0 });
      return { ordinal: 0, duplicate: false };
    }
    if (expireMs !== null) {
      const edge = at - expireMs;
      for (let i = list.length - 1; i >= 0; i--) if (list[i].ordinal > 0 && list[i].at <= edge) list.splice(i, 1);
    }
    let live = 0;
    for (const x of list) if (x.ordinal > 0) live++;
    list.push({ ladder, subject, violation, at, ordinal: live + 1 });
    return { ordinal: live + 1, duplicate: false };
  }

  strikesOf(ladder: string, subject: string): StrikeRecord[] {
    return (this.strikes.get(ladder + SEP + subject) ?? []).map((x) => ({ ...x }));
  }

  putSanction(sanction: SanctionRecord): boolean {
    if (this.sanctions.has(sanction.id)) return false;
    const copy = { ...sanction };
    this.sanctions.set(copy.id, copy);
    let list = this.sanctionsBySubject.get(copy.subject);
    if (!list) this.sanctionsBySubject.set(copy.subject, (list = []));
    list.push(copy);
    return true;
  }

  sanctionsOf(subject: string): SanctionRecord[] {
    const list = (this.sanctionsBySubject.get(subject) ?? []).map((x) => ({ ...x }));
    return list.sort(compareSanctions);
  }

  sanctionedSubjects(): string[] {
    return [...this.sanctionsBySubject.keys()].sort(compareStrings);
  }

  liftSanction(id: string, at: number, reason: string): SanctionRecord | null {
    const s = this.sanctions.get(id);
    if (!s || s.liftedAt !== null) return null;
    s.liftedAt = at;
    s.liftReason = reason;
    return { ...s };
  }

  endSanction(id: string, until: number): boolean {
    const s = this.sanctions.get(id);
    if (!s || s.until !== null) return false;
    s.until = until;
    return true;
  }

  setLinkedBlocked(subject: string, blocked: boolean, at: number): boolean | null {
    const prev = this.linked.get(subject);
    if (!prev || at >= prev.at) this.linked.set(subject, { blocked, at });
    return prev ? prev.blocked : null;
  }

  recordAppeal(appeal: AppealRecord): void {
    let list = this.appeals.get(appeal.subject);
    if (!list) this.appeals.set(appeal.subject, (list = []));
    if (!list.some((a) => a.id === appeal.id)) list.push({ ...appeal });
  }

  appealsOf(subject: string): AppealRecord[] {
    return (this.appeals.get(subject) ?? []).map((a) => ({ ...a }));
  }

  addContact(subject: string, day: number, contact: string, limit: number): ContactResult {
    const k = subject + SEP + day;
    let set = this.contacts.get(k);
    if (!set) this.contacts.set(k, (set = new Set()));
    if (set.has(contact)) return { allowed: true, used: set.size, duplicate: true };
    if (set.size >= limit) return { allowed: false, used: set.size, duplicate: false };
    set.add(contact);
    return { allowed: true, used: set.size, duplicate: false };
  }

  close(): void {}
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
