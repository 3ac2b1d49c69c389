// The state behind decisions, behind one interface: flood windows, joins, mutes, the blacklists
// that `blacklist` actions build up, and the penalty ladders' strikes, sanctions, appeals,
// linked-account status and contact-add counts. The engine owns all state and reaches it only
// through `Store`; three implementations pass one conformance suite (runtime/store/testing/store-conformance.ts):
// `MemoryStore` (memory-store.ts), `SqliteStore` (sqlite-store.ts, the embedded default) and
// `RedisStore` (redis-store.ts, many workers sharing state).
//
// Every operation is one atomic check-and-update: a store never needs a lock held across two
// calls (in Redis each is one Lua script, in SQLite one transaction). The ladder operations are
// idempotent by id, and so is a message with an id in its flood window, so an event replayed
// (after a crash, or twice by an integration) changes nothing twice.
//
// `Store` is synchronous (memory and better-sqlite3); `AsyncStore` is the same operations
// returning promises (Redis). The engine runs on either (runtime/engine/engine.ts). All times are event
// times in epoch milliseconds.

export type BlacklistScope = 'enterprise' | 'personal' | 'group';

/**
 * How long (wall clock) beyond its longest window a flood window that records nothing is kept:
 * RedisStore's time to live (its FLOOD_SLACK_MS), MemoryStore's and SqliteStore's sweep.
 */
export const FLOOD_IDLE_SLACK_MS = 3_600_000;

/** A blacklist entry added by a `blacklist` action. */
export interface ActionBlacklist {
  scope: BlacklistScope;
  /** The owner (personal) or group (group) the entry belongs to; '' for the enterprise. */
  key: string;
  at: number;
}

/** One strike on a ladder: a reported or recorded violation of a counted category. */
export interface StrikeRecord {
  ladder: string;
  subject: string;
  /** The violation's id (the event's `id`, or one derived from its content). */
  violation: string;
  at: number;
  /** 1, 2, 3…: the strike's place among the live strikes when it was recorded; 0: not counted (severe). */
  ordinal: number;
}

export interface StrikeResult {
  ordinal: number;
  /** The violation was already recorded: nothing changed, `ordinal` is the one recorded then. */
  duplicate: boolean;
}

/** Member sanctions, then the customer sanctions of a `for customers` ladder (runtime/ir.ts `IrSanction`). */
export type SanctionKind = 'suspend-interop' | 'ban-member' | 'ban-admin' | 'ban-enterprise' | 'mute' | 'remove' | 'blacklist-personal' | 'blacklist-enterprise';

/** A sanction applied to a subject by a ladder. */
export interface SanctionRecord {
  /** Unique and deterministic: `<ladder>/<subject>/<violation or linked@time>/<n>`. */
  id: string;
  subject: string;
  ladder: string;
  /** The step number; 0 for the severe path, -1 for the linked-account line. */
  step: number;
  sanction: SanctionKind;
  /** When it began (epoch ms). */
  from: number;
  /** When it ends; null: forever, or (linked) until the account is unblocked. */
  until: number | null;
  appealable: boolean;
  /** The violation id, or `linked@<time>` for the linked-account line. */
  cause: string;
  /** When an appeal or a restoration lifted it; null while it stands. */
  liftedAt: number | null;
  liftReason: string | null;
}

/**
 * The order of a subject's sanctions, everywhere they are listed: by `from`, then by `id` in
 * JavaScript string order (UTF-16 code units; SQLite's own is UTF-8 bytes, so stores sort here).
 */
/** JavaScript string order (UTF-16 code units), for lists of ids and subjects. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareSanctions(a: SanctionRecord, b: SanctionRecord): number {
  return a.from - b.from || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export interface AppealRecord {
  subject: string;
  /** The appeal event's id, or one derived from its content. */
  id: string;
  at: number;
  /** The sanction it asked about (null when none was active). */
  sanction: string | null;
  granted: boolean;
  reason: string;
}

export interface ContactResult {
  allowed: boolean;
  /** Contacts added by the subject on that day, after this attempt. */
  used: number;
  /** The contact was already added that day: allowed, not counted again. */
  duplicate: boolean;
}

/**
 * What deciding one message needs from the store, asked in one operation (`admitMessage`): on
 * Redis one script, one round trip (spec/runtime.md §7, "Redis specifics").
 */
export interface MessageAdmission {
  group: string;
  sender: string;
  /** The group's owner, whose personal blacklist applies; null when the group has none. */
  owner: string | null;
  at: number;
  /** The message's id (a replay is not counted twice), when it has one. */
  id?: string;
  /** The distinct flood windows the group's rules ask about: the first records the message, the others count. */
  windows: readonly number[];
  /** The sender is an exempt customer (the policy says so): nothing is recorded. */
  exempt: boolean;
}

/** The answer to `admitMessage`. */
export interface MessageAdmitted {
  /** The first action-made blacklist entry that stops the sender: enterprise, owner's, group's. */
  blacklisted: ActionBlacklist | null;
  /** The end of the sender's mute in the group (asked only when not blacklisted). */
  mutedUntil: number | null;
  /** The flood counts, one per window of the query; empty when the message stops before the rules. */
  counts: number[];
  /** When the sender joined the group (asked only when the message reaches the rules). */
  joinedAt: number | null;
}

export interface Store {
  /**
   * Records one message of `sender` in `group` at `at` and returns how many of the sender's
   * recorded messages in the group lie in the window (at − windowMs, at], this one included.
   *
   * Each (group, sender) key is a window of its own (spec/runtime.md §7, "Flood windows"): only
   * its own messages prune it, and it keeps the longest window asked about for it and its *edge*,
   * the latest `at − longest window` of its recorded messages. A message at or before the edge
   * is counted 1 (itself) and not kept: entries are never brought back. A message with an `id`
   * the key holds already is a replay: nothing changes, and the count is answered as of `at`. A
   * window that recorded nothing for its longest window plus an hour of wall-clock time is
   * forgotten (Redis's time to live; the other stores sweep).
   */
  recordMessage(group: string, sender: string, at: number, windowMs: number, id?: string): number;
  /**
   * Counts without recording (for a second flood window of the same message): as
   * `recordMessage` would answer, with nothing recorded (an unknown key: 0).
   */
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

  /**
   * Records a strike, atomically. When `violation` is already recorded on this ladder for this
   * subject, nothing changes and its recorded ordinal comes back with `duplicate: true`.
   * Otherwise, when `counted`: the strikes at or before `at − expireMs` are dropped (never, when
   * `expireMs` is null) and the strike is recorded with ordinal = live counted strikes + 1; when
   * not counted (a severe violation), it is recorded with ordinal 0.
   */
  addStrike(ladder: string, subject: string, violation: string, at: number, expireMs: number | null, counted: boolean): StrikeResult;
  /** The subject's strikes on a ladder (dropped ones excluded), oldest first. */
  strikesOf(ladder: string, subject: string): StrikeRecord[];
  /** Inserts a sanction unless one with the same id exists; true when inserted. */
  putSanction(sanction: SanctionRecord): boolean;
  /** Every sanction of the subject, ended and lifted ones too, ordered by (from, id). */
  sanctionsOf(subject: string): SanctionRecord[];
  /**
   * Every subject with at least one sanction recorded (ended and lifted ones too), each once, in
   * JavaScript string order: what `hush sanctions --all` asks before judging which are in force.
   */
  sanctionedSubjects(): string[];
  /**
   * Lifts a sanction, atomically: when it exists and is not lifted yet, sets `liftedAt` and
   * `liftReason` and returns the updated record; otherwise returns null and changes nothing.
   */
  liftSanction(id: string, at: number, reason: string): SanctionRecord | null;
  /** Sets the end of a sanction that has none (a linked-account restoration); true when set. */
  endSanction(id: string, until: number): boolean;
  /**
   * Sets the subject's linked-account status as of `at`; returns the previous one (null: never
   * set). Time-monotonic: a status older than the stored one (an out-of-order event, a replay)
   * changes nothing; at the same time the later call wins.
   */
  setLinkedBlocked(subject: string, blocked: boolean, at: number): boolean | null;
  /** Records an appeal's outcome (appeals are kept, granted or not). */
  recordAppeal(appeal: AppealRecord): void;
  appealsOf(subject: string): AppealRecord[];
  /**
   * One contact-add attempt, atomically: a contact already added by the subject on `day` is
   * allowed again without counting; otherwise it is counted and allowed when fewer than `limit`
   * were added that day, and refused (not counted) when `limit` is reached.
   */
  addContact(subject: string, day: number, contact: string, limit: number): ContactResult;
  /**
   * Everything a message's decision reads, and the flood record it makes, in one atomic step:
   * the action-made blacklists in order (enterprise, the owner's, the group's; the first entry
   * found stops the look-up), then the mute; a sender blacklisted, muted at `at` (`at < until`)
   * or exempt stops there. Otherwise the message is recorded in its flood window (the first of
   * `windows`, as `recordMessage`), counted in the others (`countMessages`), and the sender's
   * join time is read. Exactly the answers of those operations asked one after another.
   */
  admitMessage(q: MessageAdmission): MessageAdmitted;
  /**
   * A join, in one atomic step: refused (the entry comes back, nothing recorded) when the member
   * is on the group's action-made blacklist; otherwise recorded unless a join at or after `at`
   * is recorded already (a late or replayed join changes nothing), and null comes back.
   */
  admitJoin(group: string, member: string, at: number): ActionBlacklist | null;
  /** Releases the store's resources (files, connections). */
  close(): void;
}

type Promised<T> = { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never };

/** The same operations as `Store`, for stores across a network (Redis). */
export type AsyncStore = Promised<Store>;

/** Thrown when a store's persisted state cannot be read: corrupt, missing or of another version. */
export class StoreError extends Error {
  constructor(
    /** `hush/store/<name>`. */
    readonly code: string,
    message: string,
    /** The file or address involved. */
    readonly where: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
