// Pending linked-account restorations and running sanctions survive a restart of a persistent
// store: block, unblock, close the SQLite file, reopen it in a new engine, and the suspension
// still lifts exactly `restore within` after the unblock; the strikes count on from where they
// were.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import { createEngine, type Decision } from './engine.ts';
import { interpretIr } from '../policy/interpreter.ts';
import { SqliteStore } from '../store/sqlite-store.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'hush-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const policy = interpretIr(
  irFromText(`
ladder "linked" {
  counts linked-account
  while linked blocked: suspend interop, restore within 6h
}
ladder "abuse" {
  counts harassment
  step 1: suspend interop for 1h
  step 2: suspend interop for 24h
}
`),
);

describe('state across a restart (SQLite)', () => {
  it('a pending restoration lifts exactly when due after a reopen', () => {
    const file = join(dir, 'state.db');
    let store = new SqliteStore(file);
    let engine = createEngine(policy, { store });
    engine.evaluate({ type: 'linked.status', subject: 'm-1', status: 'blocked', at: T0 });
    const unblocked = engine.evaluate({ type: 'linked.status', subject: 'm-1', status: 'unblocked', at: T0 + 10 * H }) as Decision;
    expect(unblocked.sanctions).toMatchObject([{ step: 'linked', until: new Date(T0 + 16 * H).toISOString() }]);
    engine.evaluate({ type: 'violation', subject: 'm-1', category: 'harassment', at: T0 + 11 * H });
    store.close();

    store = new SqliteStore(file, { mustExist: true });
    engine = createEngine(policy, { store });
    expect(engine.sanctions('m-1', T0 + 16 * H - 1).map((s) => s.step)).toEqual(['linked']);
    expect(engine.sanctions('m-1', T0 + 16 * H)).toEqual([]);
    const contact = (at: number) => (engine.evaluate({ type: 'contact.add', subject: 'm-1', contact: 'c', at }) as Decision).allowed;
    expect(contact(T0 + 16 * H - 1)).toBe(false);
    expect(contact(T0 + 16 * H)).toBe(true);
    const second = engine.evaluate({ type: 'violation', subject: 'm-1', category: 'harassment', at: T0 + 20 * H }) as Decision;
    expect(second.strikes).toEqual([{ ladder: 'abuse', strike: 2 }]);
    store.close();
  });
});
