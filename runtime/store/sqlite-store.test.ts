// SqliteStore: the conformance suite on a real file in a temp folder, state that survives a
// reopen, and the files it refuses (damaged, foreign, missing, newer) left exactly as they were.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, SqliteStore } from './sqlite-store.ts';
import { asyncOf, storeConformance, T0 } from './testing/store-conformance.ts';
import { StoreError } from './store.ts';

const dir = mkdtempSync(join(tmpdir(), 'hush-sqlite-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `state-${++n}`, 'state.db');

storeConformance('SqliteStore', async () => {
  const path = fresh();
  const store = new SqliteStore(path);
  return {
    store: asyncOf(store),
    close: async () => {
      store.close();
      rmSync(join(path, '..'), { recursive: true, force: true });
    },
  };
});

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The StoreError that opening `path` throws (fails the test when it opens). */
function openError(path: string, options: ConstructorParameters<typeof SqliteStore>[1] = {}): StoreError {
  try {
    new SqliteStore(path, options).close();
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    return e as StoreError;
  }
  throw new Error(`${path} opened`);
}

/** A state file holding one of everything, closed. */
function populated(): string {
  const path = fresh();
  const s = new SqliteStore(path);
  s.recordMessage('g', 'c', T0, 60_000);
  s.recordMessage('g', 'c', T0 + 1, 60_000);
  s.recordJoin('g', 'c', T0);
  s.mute('g', 'c', T0 + 1800_000);
  s.blacklist('enterprise', '', 'c', T0);
  s.addStrike('interop-abuse', 'm-1', 'v-1', T0, 86_400_000, true);
  s.addStrike('interop-abuse', 'm-1', 'v-2', T0 + 1, 86_400_000, false);
  s.putSanction({ id: 'interop-abuse/m-1/v-1/1', subject: 'm-1', ladder: 'interop-abuse', step: 1, sanction: 'suspend-interop', from: T0, until: T0 + 3_600_000, appealable: true, cause: 'v-1', liftedAt: null, liftReason: null });
  s.setLinkedBlocked('m-1', true, T0);
  s.recordAppeal({ subject: 'm-1', id: 'ap-1', at: T0 + 5, sanction: 'interop-abuse/m-1/v-1/1', granted: false, reason: 'not yet' });
  s.addContact('m-1', 20_000, 'c-1', 10);
  s.close();
  return path;
}

describe('SqliteStore on disk', () => {
  it('creates the file and its folder, in WAL mode, with the current schema version', () => {
    const path = fresh();
    expect(existsSync(path)).toBe(false);
    new SqliteStore(path).close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('keeps every kind of state across a reopen', () => {
    const path = populated();
    const s = new SqliteStore(path, { mustExist: true });
    expect(s.countMessages('g', 'c', T0 + 1, 60_000)).toBe(2);
    expect(s.recordMessage('g', 'c', T0 + 2, 60_000)).toBe(3);
    expect(s.joinedAt('g', 'c')).toBe(T0);
    expect(s.mutedUntil('g', 'c')).toBe(T0 + 1800_000);
    expect(s.blacklistEntry('enterprise', '', 'c')).toEqual({ scope: 'enterprise', key: '', at: T0 });
    expect(s.strikesOf('interop-abuse', 'm-1').map((x) => [x.violation, x.ordinal])).toEqual([['v-1', 1], ['v-2', 0]]);
    expect(s.addStrike('interop-abuse', 'm-1', 'v-1', T0, 86_400_000, true)).toEqual({ ordinal: 1, duplicate: true });
    expect(s.addStrike('interop-abuse', 'm-1', 'v-3', T0 + 2, 86_400_000, true)).toEqual({ ordinal: 2, duplicate: false });
    expect(s.sanctionsOf('m-1').map((x) => x.id)).toEqual(['interop-abuse/m-1/v-1/1']);
    expect(s.setLinkedBlocked('m-1', false, T0 + 9)).toBe(true);
    expect(s.appealsOf('m-1')).toHaveLength(1);
    expect(s.addContact('m-1', 20_000, 'c-1', 1)).toEqual({ allowed: true, used: 1, duplicate: true });
    expect(s.addContact('m-1', 20_000, 'c-2', 1)).toEqual({ allowed: false, used: 1, duplicate: false });
    s.close();
  });

  it('refuses a missing file when it must exist, and creates nothing', () => {
    const path = join(dir, 'absent', 'state.db');
    const e = openError(path, { mustExist: true });
    expect(e.code).toBe('hush/store/missing');
    expect(e.where).toBe(path);
    expect(e.message).toContain(path);
    expect(existsSync(join(dir, 'absent'))).toBe(false);
  });

  it('refuses an empty file (Hush never leaves one), for writers and readers alike, and leaves it empty', () => {
    const path = fresh();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '');
    for (const options of [{}, { mustExist: true }]) {
      const e = openError(path, options);
      expect(e.code).toBe('hush/store/corrupt');
      expect(readFileSync(path).length).toBe(0);
    }
    expect(readdirSync(join(path, '..'))).toEqual(['state.db']);
  });

  it('creates a new file whole, leaving no temporary file behind', () => {
    const path = fresh();
    new SqliteStore(path).close();
    expect(readdirSync(join(path, '..')).filter((f) => !/^state\.db(-wal|-shm)?$/.test(f))).toEqual([]);
    new SqliteStore(path, { mustExist: true }).close();
  });

  it('refuses a file that is not a database, and leaves it as it was', () => {
    const path = fresh();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)));
    const before = digest(path);
    const e = openError(path);
    expect(e.code).toBe('hush/store/corrupt');
    expect(e.where).toBe(path);
    expect(digest(path)).toBe(before);
    expect(readdirSync(join(path, '..'))).toEqual(['state.db']);
  });

  it('refuses a state file whose pages are damaged, and leaves it as it was', () => {
    const path = populated();
    const bytes = readFileSync(path);
    expect(bytes.length).toBeGreaterThan(4096 * 3);
    // Keep page 1 (header and schema), overwrite every other page with noise.
    for (let i = 4096; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
    writeFileSync(path, bytes);
    const before = digest(path);
    expect(openError(path).code).toBe('hush/store/corrupt');
    expect(digest(path)).toBe(before);
  });

  it('refuses a SQLite database that is not a hush state file, and leaves it as it was', () => {
    const path = fresh();
    mkdirSync(join(path, '..'), { recursive: true });
    const db = new Database(path);
    db.exec('CREATE TABLE customers (id TEXT PRIMARY KEY); INSERT INTO customers VALUES (\'c-1\')');
    db.close();
    const before = digest(path);
    expect(openError(path).code).toBe('hush/store/corrupt');
    expect(digest(path)).toBe(before);
  });

  it('refuses a state file of a newer schema version, and leaves it as it was', () => {
    const path = populated();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = digest(path);
    const e = openError(path);
    expect(e.code).toBe('hush/store/version');
    expect(e.message).toContain(`version ${SCHEMA_VERSION + 1}`);
    expect(digest(path)).toBe(before);
    // Put back, the same file opens with its state.
    const fix = new Database(path);
    fix.pragma(`user_version = ${SCHEMA_VERSION}`);
    fix.close();
    const s = new SqliteStore(path);
    expect(s.strikesOf('interop-abuse', 'm-1')).toHaveLength(2);
    s.close();
  });

  it('refuses a state file that lacks a table', () => {
    const path = populated();
    const db = new Database(path);
    db.exec('DROP TABLE appeal');
    db.close();
    const before = digest(path);
    expect(openError(path).code).toBe('hush/store/corrupt');
    expect(digest(path)).toBe(before);
  });

  it('refuses a folder', () => {
    const path = join(dir, 'a-folder');
    mkdirSync(path);
    expect(openError(path).code).toBe('hush/store/unreachable');
  });

  it('runs SQLite quick_check on open when asked', () => {
    const path = populated();
    new SqliteStore(path, { verify: true }).close();
  });

  it('shares one file between two connections, each operation atomic', () => {
    const path = fresh();
    const a = new SqliteStore(path);
    const b = new SqliteStore(path);
    const ordinals: number[] = [];
    for (let i = 0; i < 20; i++) ordinals.push((i % 2 ? a : b).addStrike('L', 'm', `v${i}`, T0 + i, null, true).ordinal);
    expect(ordinals).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(b.addContact('m', 1, 'x', 1).allowed).toBe(true);
    expect(a.addContact('m', 1, 'y', 1)).toEqual({ allowed: false, used: 1, duplicate: false });
    a.close();
    b.close();
  });

  it('keeps a subject\'s contact adds for three days', () => {
    const path = fresh();
    const s = new SqliteStore(path);
    s.addContact('m', 100, 'c-1', 5);
    s.addContact('m', 101, 'c-1', 5);
    s.addContact('m', 102, 'c-1', 5);
    s.addContact('other', 100, 'c-1', 5);
    expect(s.addContact('m', 100, 'c-1', 5)).toEqual({ allowed: true, used: 1, duplicate: true });
    s.addContact('m', 103, 'c-1', 5);
    // Day 100 of `m` is gone; 101 and 102 stay, and so does another subject's day 100.
    expect(s.addContact('m', 101, 'c-1', 5)).toEqual({ allowed: true, used: 1, duplicate: true });
    expect(s.addContact('other', 100, 'c-1', 5)).toEqual({ allowed: true, used: 1, duplicate: true });
    s.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare(`SELECT day FROM contact WHERE subject = 'm' ORDER BY day`).pluck(true).all()).toEqual([101, 102, 103]);
    db.close();
  });

  it('sweeps flood windows idle for their longest window plus an hour of wall clock, as MemoryStore, never by event time', () => {
    const path = fresh();
    let now = T0;
    const s = new SqliteStore(path, { sweepEveryMs: 5, now: () => now });
    s.recordMessage('g', 'idle', T0, 10);
    s.recordMessage('g', 'busy', T0 + 500, 10);
    s.recordMessage('g', 'spoof', T0 + 10 * 365 * 86_400_000, 10);
    expect(s.recordMessage('g', 'idle', T0 + 1, 10)).toBe(2);
    now += 3_600_000 + 5;
    s.recordMessage('g', 'busy', T0 + 5000, 10);
    now += 10;
    s.recordMessage('g', 'busy', T0 + 5001, 10, 'm-1');
    s.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT sender FROM flood_window').pluck(true).all()).toEqual(['busy']);
    expect(db.prepare('SELECT count(*) FROM flood_message').pluck(true).get()).toBe(2);
    expect(db.prepare('SELECT id FROM flood_id').pluck(true).all()).toEqual(['m-1']);
    db.close();
  });

  it('migrates a schema 1 file to schema 2 keeping its flood windows, edges from their newest message', () => {
    const path = fresh();
    mkdirSync(join(path, '..'), { recursive: true });
    const db = new Database(path);
    db.exec(SCHEMA_1);
    db.pragma(`application_id = ${0x48555348}`);
    db.pragma('user_version = 1');
    db.prepare(`INSERT INTO flood_window (id, grp, sender, max_window) VALUES (1, 'g', 'c', 100)`).run();
    db.prepare(`INSERT INTO flood_message (window, at, n) VALUES (1, ?, 2), (1, ?, 1)`).run(T0, T0 + 50);
    db.prepare(`INSERT INTO joined (grp, member, at) VALUES ('g', 'c', ?)`).run(T0);
    db.close();
    const s = new SqliteStore(path, { now: () => T0 });
    expect(s.countMessages('g', 'c', T0 + 50, 100)).toBe(3);
    // The edge is T0 + 50 − 100: an older message is counted as itself and not kept.
    expect(s.recordMessage('g', 'c', T0 - 50, 100)).toBe(1);
    expect(s.recordMessage('g', 'c', T0 + 60, 100, 'm-1')).toBe(4);
    expect(s.recordMessage('g', 'c', T0 + 60, 100, 'm-1')).toBe(4);
    expect(s.joinedAt('g', 'c')).toBe(T0);
    s.close();
    const after = new Database(path, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    after.close();
  });
});

/** Schema version 1, as Hush wrote it before flood edges and ids. */
const SCHEMA_1 = `
  CREATE TABLE flood_window (id INTEGER PRIMARY KEY, grp TEXT NOT NULL, sender TEXT NOT NULL, max_window INTEGER NOT NULL, UNIQUE (grp, sender));
  CREATE TABLE flood_message (window INTEGER NOT NULL, at INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (window, at)) WITHOUT ROWID;
  CREATE TABLE joined (grp TEXT NOT NULL, member TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (grp, member)) WITHOUT ROWID;
  CREATE TABLE muted (grp TEXT NOT NULL, sender TEXT NOT NULL, until_at INTEGER NOT NULL, PRIMARY KEY (grp, sender)) WITHOUT ROWID;
  CREATE TABLE blacklisted (scope TEXT NOT NULL, key TEXT NOT NULL, sender TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (scope, key, sender)) WITHOUT ROWID;
  CREATE TABLE strike (ladder TEXT NOT NULL, subject TEXT NOT NULL, violation TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, ordinal INTEGER NOT NULL, PRIMARY KEY (ladder, subject, violation)) WITHOUT ROWID;
  CREATE TABLE sanction (id TEXT PRIMARY KEY, subject TEXT NOT NULL, ladder TEXT NOT NULL, step INTEGER NOT NULL, sanction TEXT NOT NULL, from_at INTEGER NOT NULL, until_at INTEGER, appealable INTEGER NOT NULL, cause TEXT NOT NULL, lifted_at INTEGER, lift_reason TEXT) WITHOUT ROWID;
  CREATE INDEX sanction_by_subject ON sanction (subject);
  CREATE TABLE linked (subject TEXT PRIMARY KEY, blocked INTEGER NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE appeal (seq INTEGER PRIMARY KEY, subject TEXT NOT NULL, id TEXT NOT NULL, at INTEGER NOT NULL, sanction TEXT, granted INTEGER NOT NULL, reason TEXT NOT NULL, UNIQUE (subject, id));
  CREATE TABLE contact (subject TEXT NOT NULL, day INTEGER NOT NULL, contact TEXT NOT NULL, PRIMARY KEY (subject, day, contact)) WITHOUT ROWID;
`;
