// SQLite state survives a crash: a worker process records a stream of violations into a state
// file and prints each decision; it is killed with SIGKILL mid-stream three times, each time
// restarted on the same file replaying the whole stream (same event ids), and finally run to the
// end. After each kill, before the replay, every violation whose decision was printed is in the
// file with the strike number and sanctions printed. At the end, each member's strikes are
// numbered 1..n without a gap, every step was applied exactly once (by the violation that
// reached it), and a replayed event got the sanctions it got first.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../scripts/seeded.ts';
import { irFromText } from '../../spec/testing/ir-from-text.ts';
import type { Decision } from '../engine/engine.ts';
import { SqliteStore } from './sqlite-store.ts';
import { ladderPolicy } from '../testing/ladder-policy.ts';
import { spawnWorker } from '../testing/spawn-worker.ts';

const T0 = Date.parse('2026-11-01T00:00:00Z');
const MEMBERS = 1000;
const PER_MEMBER = 10;
const STEPS = 12;

const dir = mkdtempSync(join(tmpdir(), 'hush-sqlite-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Violation {
  type: 'violation';
  id: string;
  subject: string;
  category: 'harassment' | 'spam';
  severity?: 'severe';
  at: string;
}

/** Every member's violations, interleaved in a seeded order; one member in five has one severe. */
function stream(): Violation[] {
  const rand = mulberry32(4);
  const pending: Omit<Violation, 'at'>[][] = [];
  for (let m = 0; m < MEMBERS; m++) {
    const list: Omit<Violation, 'at'>[] = [];
    for (let j = 0; j < PER_MEMBER; j++) {
      list.push({ type: 'violation', id: `v-${m}-${j}`, subject: `m-${m}`, category: rand() < 0.5 ? 'harassment' : 'spam' });
    }
    if (m % 5 === 0) list.splice(Math.floor(rand() * PER_MEMBER), 0, { type: 'violation', id: `v-${m}-severe`, subject: `m-${m}`, category: 'harassment', severity: 'severe' });
    pending.push(list);
  }
  const out: Violation[] = [];
  while (pending.length > 0) {
    const k = Math.floor(rand() * pending.length);
    out.push({ ...pending[k].shift()!, at: new Date(T0 + out.length * 1000).toISOString() });
    if (pending[k].length === 0) pending.splice(k, 1);
  }
  return out;
}

describe('SQLite state across SIGKILL', () => {
  it('keeps every printed decision and applies no step twice', async () => {
    const events = stream();
    const irPath = join(dir, 'ir.json');
    const eventsPath = join(dir, 'events.jsonl');
    const db = join(dir, 'state.db');
    writeFileSync(irPath, JSON.stringify(irFromText(ladderPolicy(STEPS))));
    writeFileSync(eventsPath, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const args = [irPath, `sqlite:${db}`, eventsPath];

    /** The first decision printed for each event; every later one is checked against it. */
    const printed = new Map<number, Decision>();
    /** What went wrong, collected (one expect per case would take seconds). */
    const problems: string[] = [];
    const takeLines = (lines: string[]) => {
      for (const line of lines) {
        const { i, decision } = JSON.parse(line) as { i: number; decision: Decision };
        if (!decision.strikes) problems.push(`event ${i}: no strikes in ${line}`);
        const first = printed.get(i);
        if (!first) printed.set(i, decision);
        // A replayed violation brings the sanctions it brought the first time.
        else if (JSON.stringify(decision.sanctions) !== JSON.stringify(first.sanctions)) problems.push(`event ${i} replayed: ${line}`);
      }
    };

    /** Every printed decision's strikes are in the store with the number printed, and its sanctions. */
    const checkPrinted = (store: SqliteStore) => {
      for (const [i, decision] of printed) {
        const e = events[i];
        for (const s of decision.strikes ?? []) {
          const found = store.strikesOf(s.ladder, e.subject).find((x) => x.violation === e.id);
          if (!found) problems.push(`event ${i} (${e.id}): no strike on ${s.ladder}`);
          else if (found.ordinal !== s.strike) problems.push(`event ${i} (${e.id}): strike ${found.ordinal} on ${s.ladder}, printed ${s.strike}`);
        }
        const ids = new Set(store.sanctionsOf(e.subject).map((x) => x.id));
        for (const s of decision.sanctions ?? []) if (!ids.has(s.id)) problems.push(`event ${i} (${e.id}): sanction ${s.id} missing`);
      }
    };

    let newestBefore = 0;
    for (const fraction of [0.2, 0.45, 0.7]) {
      const w = spawnWorker(args);
      await w.waitFor((_, count) => count >= Math.floor(events.length * fraction));
      w.child.kill('SIGKILL');
      const end = await w.done;
      // Killed mid-stream, not ended by itself.
      expect(end.signal, end.stderr).toBe('SIGKILL');
      expect(w.lines.length).toBeLessThan(events.length);
      // Each run got further than the last one.
      expect(w.lines.length).toBeGreaterThan(newestBefore);
      newestBefore = w.lines.length;
      takeLines(w.lines);
      // Right after the crash, before any replay: every decision printed so far is in the file.
      const after = new SqliteStore(db, { mustExist: true });
      try {
        checkPrinted(after);
      } finally {
        after.close();
      }
      expect(problems.slice(0, 20), `after the kill at ${fraction}`).toEqual([]);
    }
    const last = spawnWorker(args);
    const end = await last.done;
    expect(end.code, end.stderr).toBe(0);
    expect(last.lines).toHaveLength(events.length);
    takeLines(last.lines);
    expect(printed.size).toBe(events.length);

    const store = new SqliteStore(db, { mustExist: true, verify: true });
    try {
      checkPrinted(store);
      const bySubject = new Map<string, Violation[]>();
      for (const e of events) bySubject.set(e.subject, [...(bySubject.get(e.subject) ?? []), e]);
      for (const [subject, mine] of bySubject) {
        const sanctions = store.sanctionsOf(subject);
        for (const ladder of ['abuse', 'spam']) {
          const at = `${ladder}/${subject}`;
          const counted = mine.filter((e) => e.severity !== 'severe' && (ladder === 'abuse' || e.category === 'spam'));
          const strikes = store.strikesOf(ladder, subject);
          // Numbered 1..n without a gap, one strike per violation sent.
          const ordinals = strikes.filter((s) => s.ordinal > 0).map((s) => s.ordinal).sort((a, b) => a - b);
          if (ordinals.join() !== counted.map((_, k) => k + 1).join()) problems.push(`${at}: strikes numbered ${ordinals.join()}, ${counted.length} sent`);
          if (new Set(strikes.map((s) => s.violation)).size !== strikes.length) problems.push(`${at}: a violation recorded twice`);
          // Each step applied once, by the violation whose strike reached it.
          const steps = new Map<number, Set<string>>();
          for (const s of sanctions.filter((x) => x.ladder === ladder)) {
            if (!steps.has(s.step)) steps.set(s.step, new Set());
            steps.get(s.step)!.add(s.cause);
          }
          for (const [step, causes] of steps) if (causes.size !== 1) problems.push(`${at}: step ${step} applied by ${[...causes].join(', ')}`);
          for (const s of strikes) {
            const causes = [...(steps.get(s.ordinal) ?? [])];
            if (causes.join() !== s.violation) problems.push(`${at}: strike ${s.ordinal} (${s.violation}) has step sanctions of ${causes.join(', ') || 'nothing'}`);
          }
          const severe = ladder === 'abuse' ? mine.filter((e) => e.severity === 'severe').length : 0;
          if (steps.size !== counted.length + severe) problems.push(`${at}: ${steps.size} steps applied for ${counted.length} strikes and ${severe} severe`);
        }
      }
    } finally {
      store.close();
    }
    expect(problems.slice(0, 20)).toEqual([]);
  });
});
