// State in one SQLite file (better-sqlite3): the embedded default store, for one machine. Every
// operation is one statement or one `BEGIN IMMEDIATE` transaction, so a crash (even SIGKILL)
// leaves each operation either wholly done or not done at all, and other processes on the same
// file (WAL mode, 5 s busy timeout) never see half of one.
//
// The file is Hush's own: `PRAGMA application_id` marks it and `PRAGMA user_version` is its
// schema version, created on first open and migrated forward on open. Nothing stored is ever
// reset: a file that is not a SQLite database, not Hush's, damaged, of a newer schema, or absent
// when it must exist is a `StoreError` (`hush/store/corrupt`, `…/version`, `…/missing`); the
// checks on open only read, so the file is left exactly as it was.
//
// Tables (schema version 2): flood windows (one row per (group, sender) with the longest window
// asked about, its edge and the wall-clock time it last kept a message; one row per (window, time)
// with how many messages came then; one row per message id), joins, mutes, action-made
// blacklists, strikes (a per-subject sequence keeps their order), sanctions, linked-account
// status, appeals, contact adds. Flood windows follow spec/runtime.md §7 as MemoryStore does: a
// window is pruned only by its own messages (at or before its edge), a message at or before the
// edge is counted and not kept, an id it holds is not counted again, and windows idle (wall
// clock) past their longest window plus an hour are dropped. A subject's contact adds are kept
// for three quota days (MemoryStore keeps them all; an add more than two days out of order would
// see an empty day). Version 1 files are migrated on open, their flood windows kept.
//
// Speed: a commit writes every page the operation changed to the WAL, so the hot operations touch
// as few B-trees as they can: a message is one row upsert in one WITHOUT ROWID tree plus its
// window's row (edge and time; and its id's row when it has one), a strike one row in one tree.
// Statements are prepared once.
import Database from 'better-sqlite3';
import { existsSync, linkSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  compareSanctions,
  compareStrings,
  FLOOD_IDLE_SLACK_MS as IDLE_SLACK_MS,
  StoreError,
  type ActionBlacklist,
  type AppealRecord,
  type BlacklistScope,
  type ContactResult,
  type MessageAdmission,
  type MessageAdmitted,
  type SanctionKind,
  type SanctionRecord,
  type Store,
  type StrikeRecord,
  type StrikeResult,
} from './store.ts';
import { admitJoinOn, admitMessageOn } from './admit.ts';

/** 'HUSH' in ASCII: marks a SQLite file as Hush's state. */
export const APPLICATION_ID = 0x48555348;
/** The schema version this code reads and writes. */
export const SCHEMA_VERSION = 2;

/**
 * Migrations[v - 1] turns an empty database (v = 1) or version v − 1 into version v. `@now` is
 * replaced by the store's wall clock (epoch ms).
 */
const MIGRATIONS: string[] = [
  `
  CREATE TABLE flood_window (
    id INTEGER PRIMARY KEY,
    grp TEXT NOT NULL,
    sender TEXT NOT NULL,
    max_window INTEGER NOT NULL,
    UNIQUE (grp, sender)
  );
  CREATE TABLE flood_message (
    window INTEGER NOT NULL, at INTEGER NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (window, at)
  ) WITHOUT ROWID;
  CREATE TABLE joined (grp TEXT NOT NULL, member TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (grp, member)) WITHOUT ROWID;
  CREATE TABLE muted (grp TEXT NOT NULL, sender TEXT NOT NULL, until_at INTEGER NOT NULL, PRIMARY KEY (grp, sender)) WITHOUT ROWID;
  CREATE TABLE blacklisted (
    scope TEXT NOT NULL, key TEXT NOT NULL, sender TEXT NOT NULL, at INTEGER NOT NULL,
    PRIMARY KEY (scope, key, sender)
  ) WITHOUT ROWID;
  CREATE TABLE strike (
    ladder TEXT NOT NULL,
    subject TEXT NOT NULL,
    violation TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    ordinal INTEGER NOT NULL,
    PRIMARY KEY (ladder, subject, violation)
  ) WITHOUT ROWID;
  CREATE TABLE sanction (
    id TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    ladder TEXT NOT NULL,
    step INTEGER NOT NULL,
    sanction TEXT NOT NULL,
    from_at INTEGER NOT NULL,
    until_at INTEGER,
    appealable INTEGER NOT NULL,
    cause TEXT NOT NULL,
    lifted_at INTEGER,
    lift_reason TEXT
  ) WITHOUT ROWID;
  CREATE INDEX sanction_by_subject ON sanction (subject);
  CREATE TABLE linked (subject TEXT PRIMARY KEY, blocked INTEGER NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE appeal (
    seq INTEGER PRIMARY KEY,
    subject TEXT NOT NULL,
    id TEXT NOT NULL,
    at INTEGER NOT NULL,
    sanction TEXT,
    granted INTEGER NOT NULL,
    reason TEXT NOT NULL,
    UNIQUE (subject, id)
  );
  CREATE TABLE contact (subject TEXT NOT NULL, day INTEGER NOT NULL, contact TEXT NOT NULL, PRIMARY KEY (subject, day, contact)) WITHOUT ROWID;
  `,
  // 2: per-key flood edges, wall-clock idleness and message ids (trust items 8 and 10). A window
  // of version 1 gets the edge its newest message and longest window give, and counts as
  // touched now; nothing stored is dropped.
  `
  ALTER TABLE flood_window ADD COLUMN edge INTEGER NOT NULL DEFAULT -9007199254740991;
  ALTER TABLE flood_window ADD COLUMN touched INTEGER NOT NULL DEFAULT 0;
  UPDATE flood_window SET
    edge = ifnull((SELECT max(at) FROM flood_message WHERE window = flood_window.id) - max_window, -9007199254740991),
    touched = @now;
  CREATE TABLE flood_id (window INTEGER NOT NULL, id TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (window, id)) WITHOUT ROWID;
  CREATE INDEX flood_id_by_time ON flood_id (window, at);
  `,
];

/** Contact adds are kept for this many days (the day itself included), then dropped. */
export const CONTACT_DAYS_KEPT = 3;

/** The tables a database of the current version holds (checked on open). */
const TABLES = ['flood_window', 'flood_message', 'flood_id', 'joined', 'muted', 'blacklisted', 'strike', 'sanction', 'linked', 'appeal', 'contact'];

export interface SqliteStoreOptions {
  /** Refuse to create the file: a missing file is `hush/store/missing`. Default false. */
  mustExist?: boolean;
  /**
   * `normal` (default): a committed operation survives a crash of the process (SIGKILL included);
   * a power loss may undo the last few. `full`: it survives a power loss too (an fsync per
   * operation, many times slower).
   */
  synchronous?: 'normal' | 'full';
  /** Also run SQLite's `quick_check` on open (reads the whole file). Default false. */
  verify?: boolean;
  /** How often (wall clock) idle flood windows are swept, as MemoryStore. Default one hour. */
  sweepEveryMs?: number;
  /** The wall clock (epoch ms) that flood windows' idleness is measured on. Default: `Date.now`. */
  now?: () => number;
}

interface SanctionRow {
  id: string;
  subject: string;
  ladder: string;
  step: number;
  sanction: string;
  from_at: number;
  until_at: number | null;
  appealable: number;
  cause: string;
  lifted_at: number | null;
  lift_reason: string | null;
}

interface AppealRow {
  subject: string;
  id: string;
  at: number;
  sanction: string | null;
  granted: number;
  reason: string;
}

const sanctionOf = (r: SanctionRow): SanctionRecord => ({
  id: r.id,
  subject: r.subject,
  ladder: r.ladder,
  step: r.step,
  sanction: r.sanction as SanctionKind,
  from: r.from_at,
  until: r.until_at,
  appealable: r.appealable === 1,
  cause: r.cause,
  liftedAt: r.lifted_at,
  liftReason: r.lift_reason,
});

/** Turns what SQLite threw into a StoreError naming the file (other errors pass unchanged). */
function sqliteError(e: unknown, file: string): unknown {
  if (e instanceof StoreError) return e;
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return e;
  const detail = (e as Error).message;
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError('hush/store/corrupt', `the state file ${file} is damaged or not a database (${detail}); it was left as it is`, file);
  }
  if (code.startsWith('SQLITE_CANTOPEN')) return new StoreError('hush/store/unreachable', `cannot open the state file ${file} (${detail})`, file);
  return new StoreError('hush/store/failed', `the state file ${file} refused an operation (${code}: ${detail})`, file);
}

/** State in one SQLite file: the embedded default store. */
export class SqliteStore implements Store {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly sweepEveryMs: number;
  private readonly now: () => number;
  private nextSweep = -Infinity;

  // Prepared once; every operation below runs these only.
  private readonly sWindowGet: Database.Statement;
  private readonly sWindowInsert: Database.Statement;
  private readonly sWindowUpdate: Database.Statement;
  private readonly sMessageInsert: Database.Statement;
  private readonly sMessagePrune: Database.Statement;
  private readonly sMessageCount: Database.Statement;
  private readonly sIdInsert: Database.Statement;
  private readonly sIdPrune: Database.Statement;
  private readonly sSweepFind: Database.Statement;
  private readonly sSweepMessages: Database.Statement;
  private readonly sSweepIds: Database.Statement;
  private readonly sSweepWindow: Database.Statement;
  private readonly sJoinPut: Database.Statement;
  private readonly sJoinGet: Database.Statement;
  private readonly sMutePut: Database.Statement;
  private readonly sMuteGet: Database.Statement;
  private readonly sBlacklistPut: Database.Statement;
  private readonly sBlacklistGet: Database.Statement;
  private readonly sStrikeGet: Database.Statement;
  private readonly sStrikeExpire: Database.Statement;
  private readonly sStrikeLiveAndSeq: Database.Statement;
  private readonly sStrikeInsert: Database.Statement;
  private readonly sStrikesOf: Database.Statement;
  private readonly sSanctionPut: Database.Statement;
  private readonly sSanctionsOf: Database.Statement;
  private readonly sSanctionLift: Database.Statement;
  private readonly sSanctionEnd: Database.Statement;
  private readonly sLinkedGet: Database.Statement;
  private readonly sLinkedPut: Database.Statement;
  private readonly sAppealPut: Database.Statement;
  private readonly sAppealsOf: Database.Statement;
  private readonly sContactHas: Database.Statement;
  private readonly sContactCount: Database.Statement;
  private readonly sContactPut: Database.Statement;
  private readonly sContactPrune: Database.Statement;

  private readonly txRecordMessage: (group: string, sender: string, at: number, windowMs: number, id: string | undefined) => number;
  private readonly txCountMessages: (group: string, sender: string, at: number, windowMs: number) => number;
  private readonly txAddStrike: (ladder: string, subject: string, violation: string, at: number, expireMs: number | null, counted: boolean) => StrikeResult;
  private readonly txSetLinked: (subject: string, blocked: boolean, at: number) => boolean | null;
  private readonly txAddContact: (subject: string, day: number, contact: string, limit: number) => ContactResult;

  /** Opens (or creates) the state file; throws a StoreError when it cannot be used as it is. */
  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.path = path === ':memory:' ? path : resolve(path);
    this.sweepEveryMs = options.sweepEveryMs ?? 3_600_000;
    this.now = options.now ?? Date.now;
    this.db = openDatabase(this.path, options);
    const db = this.db;
    const p = (sql: string) => db.prepare(sql);
    try {
      this.sWindowGet = p(`SELECT id, max_window, edge, touched FROM flood_window WHERE grp = ? AND sender = ?`).raw(true);
      this.sWindowInsert = p(`INSERT INTO flood_window (grp, sender, max_window, edge, touched) VALUES (?, ?, ?, ?, ?) RETURNING id`).pluck(true);
      this.sWindowUpdate = p(`UPDATE flood_window SET max_window = ?, edge = ?, touched = ? WHERE id = ?`);
      this.sMessageInsert = p(`INSERT INTO flood_message (window, at, n) VALUES (?, ?, 1) ON CONFLICT (window, at) DO UPDATE SET n = n + 1`);
      this.sMessagePrune = p(`DELETE FROM flood_message WHERE window = ? AND at <= ?`);
      this.sMessageCount = p(`SELECT ifnull(sum(n), 0) FROM flood_message WHERE window = ? AND at > ? AND at <= ?`).pluck(true);
      this.sIdInsert = p(`INSERT INTO flood_id (window, id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`);
      this.sIdPrune = p(`DELETE FROM flood_id WHERE window = ? AND at <= ?`);
      // The windows idle (wall clock) past their longest window plus the slack.
      this.sSweepFind = p(`SELECT id FROM flood_window WHERE touched + max_window + ? <= ?`).pluck(true);
      this.sSweepMessages = p(`DELETE FROM flood_message WHERE window = ?`);
      this.sSweepIds = p(`DELETE FROM flood_id WHERE window = ?`);
      this.sSweepWindow = p(`DELETE FROM flood_window WHERE id = ?`);
      this.sJoinPut = p(`INSERT INTO joined (grp, member, at) VALUES (?, ?, ?) ON CONFLICT (grp, member) DO UPDATE SET at = excluded.at`);
      this.sJoinGet = p(`SELECT at FROM joined WHERE grp = ? AND member = ?`).pluck(true);
      this.sMutePut = p(
        `INSERT INTO muted (grp, sender, until_at) VALUES (?, ?, ?)
         ON CONFLICT (grp, sender) DO UPDATE SET until_at = excluded.until_at WHERE excluded.until_at > muted.until_at`,
      );
      this.sMuteGet = p(`SELECT until_at FROM muted WHERE grp = ? AND sender = ?`).pluck(true);
      this.sBlacklistPut = p(`INSERT INTO blacklisted (scope, key, sender, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`);
      this.sBlacklistGet = p(`SELECT at FROM blacklisted WHERE scope = ? AND key = ? AND sender = ?`).pluck(true);
      this.sStrikeGet = p(`SELECT ordinal FROM strike WHERE ladder = ? AND subject = ? AND violation = ?`).pluck(true);
      this.sStrikeExpire = p(`DELETE FROM strike WHERE ladder = ? AND subject = ? AND ordinal > 0 AND at <= ?`);
      this.sStrikeLiveAndSeq = p(`SELECT ifnull(sum(ordinal > 0), 0), ifnull(max(seq), 0) FROM strike WHERE ladder = ? AND subject = ?`).raw(true);
      this.sStrikeInsert = p(`INSERT INTO strike (ladder, subject, violation, seq, at, ordinal) VALUES (?, ?, ?, ?, ?, ?)`);
      this.sStrikesOf = p(`SELECT ladder, subject, violation, at, ordinal FROM strike WHERE ladder = ? AND subject = ? ORDER BY seq`);
      this.sSanctionPut = p(
        `INSERT INTO sanction (id, subject, ladder, step, sanction, from_at, until_at, appealable, cause, lifted_at, lift_reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      );
      this.sSanctionsOf = p(`SELECT * FROM sanction WHERE subject = ?`);
      this.sSanctionLift = p(`UPDATE sanction SET lifted_at = ?, lift_reason = ? WHERE id = ? AND lifted_at IS NULL RETURNING *`);
      this.sSanctionEnd = p(`UPDATE sanction SET until_at = ? WHERE id = ? AND until_at IS NULL`);
      this.sLinkedGet = p(`SELECT blocked FROM linked WHERE subject = ?`).pluck(true);
      this.sLinkedPut = p(`INSERT INTO linked (subject, blocked, at) VALUES (?, ?, ?) ON CONFLICT (subject) DO UPDATE SET blocked = excluded.blocked, at = excluded.at WHERE excluded.at >= linked.at`);
      this.sAppealPut = p(`INSERT INTO appeal (subject, id, at, sanction, granted, reason) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`);
      this.sAppealsOf = p(`SELECT subject, id, at, sanction, granted, reason FROM appeal WHERE subject = ? ORDER BY seq`);
      this.sContactHas = p(`SELECT 1 FROM contact WHERE subject = ? AND day = ? AND contact = ?`).pluck(true);
      this.sContactCount = p(`SELECT count(*) FROM contact WHERE subject = ? AND day = ?`).pluck(true);
      this.sContactPut = p(`INSERT INTO contact (subject, day, contact) VALUES (?, ?, ?)`);
      this.sContactPrune = p(`DELETE FROM contact WHERE subject = ? AND day < ?`);
    } catch (e) {
      db.close();
      throw sqliteError(e, this.path);
    }

    this.txRecordMessage = db.transaction((group: string, sender: string, at: number, windowMs: number, id: string | undefined) => {
      const now = this.now();
      let row = this.sWindowGet.get(group, sender) as [number, number, number, number] | undefined;
      if (row !== undefined && now >= row[3] + row[1] + IDLE_SLACK_MS) {
        // Idle past its time to live: forgotten, as Redis expires the key.
        this.dropWindow(row[0]);
        row = undefined;
      }
      let n: number;
      if (row === undefined) {
        const wid = this.sWindowInsert.get(group, sender, windowMs, at - windowMs, now) as number;
        this.sMessageInsert.run(wid, at);
        if (id !== undefined) this.sIdInsert.run(wid, id, at);
        n = 1;
      } else {
        const [wid, maxWindow, edge, touched] = row;
        const widened = windowMs > maxWindow;
        const max = widened ? windowMs : maxWindow;
        if (at <= edge) {
          // Older than the key's edge: counted as itself, never kept.
          if (widened) this.sWindowUpdate.run(max, edge, now, wid);
          n = 1;
        } else if (id !== undefined && this.sIdInsert.run(wid, id, at).changes === 0) {
          // A replay: the count as of its time, nothing changed.
          if (widened) this.sWindowUpdate.run(max, edge, now, wid);
          n = this.sMessageCount.get(wid, at - windowMs, at) as number;
        } else {
          this.sMessageInsert.run(wid, at);
          const newEdge = Math.max(edge, at - max);
          if (newEdge > edge) {
            this.sMessagePrune.run(wid, newEdge);
            this.sIdPrune.run(wid, newEdge);
          }
          if (widened || newEdge !== edge || now !== touched) this.sWindowUpdate.run(max, newEdge, now, wid);
          n = this.sMessageCount.get(wid, at - windowMs, at) as number;
        }
      }
      if (now >= this.nextSweep) this.sweep(now);
      return n;
    }).immediate;
    this.txCountMessages = db.transaction((group: string, sender: string, at: number, windowMs: number) => {
      const row = this.sWindowGet.get(group, sender) as [number, number, number, number] | undefined;
      if (row === undefined) return 0;
      const [wid, maxWindow, edge] = row;
      const now = this.now();
      if (now >= row[3] + maxWindow + IDLE_SLACK_MS) {
        this.dropWindow(wid);
        return 0;
      }
      if (windowMs > maxWindow) this.sWindowUpdate.run(windowMs, edge, now, wid);
      return at <= edge ? 1 : (this.sMessageCount.get(wid, at - windowMs, at) as number);
    }).immediate;
    this.txAddStrike = db.transaction((ladder: string, subject: string, violation: string, at: number, expireMs: number | null, counted: boolean) => {
      const prev = this.sStrikeGet.get(ladder, subject, violation) as number | undefined;
      if (prev !== undefined) return { ordinal: prev, duplicate: true };
      if (counted && expireMs !== null) this.sStrikeExpire.run(ladder, subject, at - expireMs);
      const [live, seq] = this.sStrikeLiveAndSeq.get(ladder, subject) as [number, number];
      const ordinal = counted ? live + 1 : 0;
      this.sStrikeInsert.run(ladder, subject, violation, seq + 1, at, ordinal);
      return { ordinal, duplicate: false };
    }).immediate;
    this.txSetLinked = db.transaction((subject: string, blocked: boolean, at: number) => {
      const prev = this.sLinkedGet.get(subject) as number | undefined;
      this.sLinkedPut.run(subject, blocked ? 1 : 0, at);
      return prev === undefined ? null : prev === 1;
    }).immediate;
    this.txAddContact = db.transaction((subject: string, day: number, contact: string, limit: number) => {
      const used = this.sContactCount.get(subject, day) as number;
      if (this.sContactHas.get(subject, day, contact) !== undefined) return { allowed: true, used, duplicate: true };
      if (used >= limit) return { allowed: false, used, duplicate: false };
      // The subject's first add of the day drops the days before the day before yesterday.
      if (used === 0) this.sContactPrune.run(subject, day - CONTACT_DAYS_KEPT + 1);
      this.sContactPut.run(subject, day, contact);
      return { allowed: true, used: used + 1, duplicate: false };
    }).immediate;
  }

  /** Drops one flood window with its messages and ids. */
  private dropWindow(id: number): void {
    this.sSweepMessages.run(id);
    this.sSweepIds.run(id);
    this.sSweepWindow.run(id);
  }

  /** Drops the windows idle (wall clock) for longer than their longest window plus the slack (MemoryStore's sweep). */
  private sweep(now: number): void {
    this.nextSweep = now + this.sweepEveryMs;
    for (const id of this.sSweepFind.all(IDLE_SLACK_MS, now) as number[]) this.dropWindow(id);
  }

  /** Runs one operation, turning SQLite's errors into StoreErrors. */
  private guard<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      throw sqliteError(e, this.path);
    }
  }

  recordMessage(group: string, sender: string, at: number, windowMs: number, id?: string): number {
    return this.guard(() => this.txRecordMessage(group, sender, at, windowMs, id));
  }

  countMessages(group: string, sender: string, at: number, windowMs: number): number {
    return this.guard(() => this.txCountMessages(group, sender, at, windowMs));
  }

  admitMessage(q: MessageAdmission): MessageAdmitted {
    return admitMessageOn(this, q);
  }

  admitJoin(group: string, member: string, at: number): ActionBlacklist | null {
    return admitJoinOn(this, group, member, at);
  }

  recordJoin(group: string, member: string, at: number): void {
    this.guard(() => this.sJoinPut.run(group, member, at));
  }

  joinedAt(group: string, member: string): number | null {
    return this.guard(() => (this.sJoinGet.get(group, member) as number | undefined) ?? null);
  }

  mute(group: string, sender: string, until: number): void {
    this.guard(() => this.sMutePut.run(group, sender, until));
  }

  mutedUntil(group: string, sender: string): number | null {
    return this.guard(() => (this.sMuteGet.get(group, sender) as number | undefined) ?? null);
  }

  blacklist(scope: BlacklistScope, key: string, sender: string, at: number): void {
    this.guard(() => this.sBlacklistPut.run(scope, key, sender, at));
  }

  blacklistEntry(scope: BlacklistScope, key: string, sender: string): ActionBlacklist | null {
    const at = this.guard(() => this.sBlacklistGet.get(scope, key, sender) as number | undefined);
    return at === undefined ? null : { scope, key, at };
  }

  addStrike(ladder: string, subject: string, violation: string, at: number, expireMs: number | null, counted: boolean): StrikeResult {
    return this.guard(() => this.txAddStrike(ladder, subject, violation, at, expireMs, counted));
  }

  strikesOf(ladder: string, subject: string): StrikeRecord[] {
    return this.guard(() => this.sStrikesOf.all(ladder, subject) as StrikeRecord[]);
  }

  putSanction(s: SanctionRecord): boolean {
    return this.guard(
      () =>
        this.sSanctionPut.run(s.id, s.subject, s.ladder, s.step, s.sanction, s.from, s.until, s.appealable ? 1 : 0, s.cause, s.liftedAt, s.liftReason)
          .changes === 1,
    );
  }

  sanctionsOf(subject: string): SanctionRecord[] {
    return this.guard(() => (this.sSanctionsOf.all(subject) as SanctionRow[]).map(sanctionOf).sort(compareSanctions));
  }

  sanctionedSubjects(): string[] {
    // SQLite orders TEXT by UTF-8 bytes; the interface's order is JavaScript's, so sort here.
    return this.guard(() => this.db.prepare(`SELECT DISTINCT subject FROM sanction`).pluck(true).all() as string[]).sort(compareStrings);
  }

  liftSanction(id: string, at: number, reason: string): SanctionRecord | null {
    const row = this.guard(() => this.sSanctionLift.get(at, reason, id) as SanctionRow | undefined);
    return row ? sanctionOf(row) : null;
  }

  endSanction(id: string, until: number): boolean {
    return this.guard(() => this.sSanctionEnd.run(until, id).changes === 1);
  }

  setLinkedBlocked(subject: string, blocked: boolean, at: number): boolean | null {
    return this.guard(() => this.txSetLinked(subject, blocked, at));
  }

  recordAppeal(a: AppealRecord): void {
    this.guard(() => this.sAppealPut.run(a.subject, a.id, a.at, a.sanction, a.granted ? 1 : 0, a.reason));
  }

  appealsOf(subject: string): AppealRecord[] {
    return this.guard(() => (this.sAppealsOf.all(subject) as AppealRow[]).map((r) => ({ ...r, granted: r.granted === 1 })));
  }

  addContact(subject: string, day: number, contact: string, limit: number): ContactResult {
    return this.guard(() => this.txAddContact(subject, day, contact, limit));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * Creates a new state file whole: the schema is written to a private temporary file, which is
 * then linked into place (a link fails when another process created the file first, whose file
 * is then used). So Hush never leaves an empty file behind, and an empty file is never Hush's.
 */
function createAtomically(path: string, options: SqliteStoreOptions): void {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.new`;
  try {
    const db = openDatabase(tmp, { ...options, mustExist: false }, true);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    try {
      linkSync(tmp, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  } catch (e) {
    // Named by the file asked for, never by the private temporary one.
    const detail = e instanceof StoreError ? e.message.replace(` ${tmp}`, '').replace(/^cannot open the state file \((.*)\)$/, '$1') : (e as Error).message;
    if (e instanceof StoreError && e.code !== 'hush/store/unreachable') throw new StoreError(e.code, e.message.replaceAll(tmp, path), path);
    throw new StoreError('hush/store/unreachable', `cannot create the state file ${path} (${detail})`, path);
  } finally {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  }
}

/**
 * Opens the file, checks it with reads only (a SQLite database, Hush's, of a version this code
 * knows, with its tables), then sets WAL mode and creates or migrates the schema.
 */
function openDatabase(path: string, options: SqliteStoreOptions, creating = false): Database.Database {
  const memory = path === ':memory:';
  if (!memory) {
    if (!existsSync(path)) {
      if (options.mustExist) throw new StoreError('hush/store/missing', `the state file ${path} does not exist`, path);
      try {
        mkdirSync(dirname(path), { recursive: true });
      } catch (e) {
        throw new StoreError('hush/store/unreachable', `cannot create the folder of the state file ${path} (${(e as Error).message})`, path);
      }
      if (!creating) createAtomically(path, options);
    } else {
      const st = statSync(path);
      if (st.isDirectory()) throw new StoreError('hush/store/unreachable', `the state file ${path} is a folder`, path);
      // Hush creates its file and its schema in one step, so an existing empty file is not one
      // Hush created: something truncated it or made it. It is refused, never filled in (that
      // would turn a lost state into a fresh one without a word).
      if (st.size === 0) {
        throw new StoreError('hush/store/corrupt', `the state file ${path} is empty: not a state file Hush created (truncated?); it was left as it is`, path);
      }
    }
  }
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: !memory && options.mustExist === true });
  } catch (e) {
    throw sqliteError(e, path);
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number;
    const appId = db.pragma('application_id', { simple: true }) as number;
    const tables = new Set(
      (db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).pluck(true).all() as string[]).filter((n) => !n.startsWith('sqlite_')),
    );
    const fresh = version === 0 && appId === 0 && tables.size === 0;
    if (!fresh) {
      if (appId !== APPLICATION_ID) {
        throw new StoreError('hush/store/corrupt', `the file ${path} is a SQLite database but not a hush state file; it was left as it is`, path);
      }
      if (version > SCHEMA_VERSION || version < 1) {
        throw new StoreError(
          'hush/store/version',
          `the state file ${path} has schema version ${version}, this hush reads version ${SCHEMA_VERSION}${version > SCHEMA_VERSION ? ' (written by a newer hush?)' : ''}; it was left as it is`,
          path,
        );
      }
      if (version === SCHEMA_VERSION) {
        const absent = TABLES.filter((t) => !tables.has(t));
        if (absent.length > 0) {
          throw new StoreError('hush/store/corrupt', `the state file ${path} lacks the table${absent.length > 1 ? 's' : ''} ${absent.join(', ')}; it was left as it is`, path);
        }
        // Read each table's first page, so that gross damage shows now rather than mid-stream.
        for (const t of TABLES) db.prepare(`SELECT 1 FROM ${t} LIMIT 1`).get();
      }
      if (options.verify) {
        const result = db.pragma('quick_check(1)', { simple: true });
        if (result !== 'ok') throw new StoreError('hush/store/corrupt', `the state file ${path} is damaged (${String(result)}); it was left as it is`, path);
      }
    }
    if (!memory) db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    if (version < SCHEMA_VERSION) {
      db.transaction(() => {
        // Another process may have created the schema meanwhile: read the version again.
        const now = db.pragma('user_version', { simple: true }) as number;
        const wallClock = String(Math.trunc((options.now ?? Date.now)()));
        for (let v = now + 1; v <= SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v - 1].replaceAll('@now', wallClock));
        db.pragma(`application_id = ${APPLICATION_ID}`);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      }).immediate();
    }
    return db;
  } catch (e) {
    db.close();
    throw sqliteError(e, path);
  }
}
