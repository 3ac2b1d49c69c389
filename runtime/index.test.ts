// The embedding API as a platform engineer uses it: everything from runtime/index.ts alone.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { irFromText } from '../spec/testing/ir-from-text.ts';
import { ladderPolicy } from './testing/ladder-policy.ts';
import { createEngine, decideLine, interpretIr, openStore, sanctionsOf, SqliteStore, StoreError, type Decision } from './index.ts';

const violation = (at: string, id: string) => JSON.stringify({ type: 'violation', subject: 'm-1', category: 'harassment', id, at });

describe('runtime/index.ts', () => {
  it('decides JSONL lines and reports bad ones as error records', () => {
    const engine = createEngine(interpretIr(irFromText(ladderPolicy(3))));
    const d = JSON.parse(decideLine(engine, violation('2026-01-01T00:00:00Z', 'v-1'), 1)) as Decision;
    expect(d.strikes).toEqual([{ ladder: 'abuse', strike: 1 }]);
    expect(JSON.parse(decideLine(engine, '{"type":"nope"}', 2))).toMatchObject({ error: { line: 2, code: expect.stringMatching(/^hush\/event\//) } });
  });

  it('reads sanctions in force, and with `all` the ended ones, from a store without a policy', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hush-index-')), 'state.db');
    const store = new SqliteStore(file);
    const engine = createEngine(interpretIr(irFromText(ladderPolicy(3))), { store });
    decideLine(engine, violation('2026-01-01T00:00:00Z', 'v-1'), 1);
    const at = Date.parse('2026-01-01T00:30:00Z');
    expect(sanctionsOf(store, 'm-1', { at }).map((s) => s.sanction)).toEqual(['suspend-interop']);
    const later = Date.parse('2026-01-01T02:00:00Z'); // step 1 lasts 1h
    expect(sanctionsOf(store, 'm-1', { at: later })).toEqual([]);
    expect(sanctionsOf(store, 'm-1', { at: later, all: true })).toHaveLength(1);
    expect(engine.sanctions('m-1', at)).toEqual(sanctionsOf(store, 'm-1', { at }));
    store.close();
  });

  it('opens stores by specification and refuses unknown ones', async () => {
    const mem = await openStore('memory');
    expect(mem?.kind).toBe('sync');
    expect(await openStore('postgres://x')).toBeNull();
    const missing = join(mkdtempSync(join(tmpdir(), 'hush-index-')), 'none.db');
    await expect(openStore(`sqlite:${missing}`, { mustExist: true })).rejects.toBeInstanceOf(StoreError);
  });
});
