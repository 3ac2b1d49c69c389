// Decision conformance cases as data: each folder of spec/decisions/ is a policy set (policy
// files and their lists) with `events.jsonl` (one event per line, bad ones included) and
// `expected.jsonl` (the line `hush run` must print for each: the decision or the error record,
// compared as JSON values, exactly). `note.md` says what the case holds. Every case runs against
// every implementation in spec/decisions-runner.ts, each from empty state.
//
// Regenerate the expected decisions after a deliberate change with
// `HUSH_UPDATE_DECISIONS=1 npx vitest run spec/decisions.test.ts` (from the interpreter, the
// reference), then review the diff line by line.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decisionCases, decisionsDir, implementations, runDecisionCase } from './decisions-runner.ts';

const dir = decisionsDir;

describe('decision conformance', () => {
  it('has cases', () => expect(decisionCases.length).toBeGreaterThanOrEqual(12));
  for (const c of decisionCases) {
    describe(c, () => {
      it('has a note, events and expected decisions', () => {
        for (const f of ['note.md', 'events.jsonl']) expect(existsSync(join(dir, c, f)), f).toBe(true);
      });
      for (const impl of implementations) {
        it(impl.name, async () => {
          const { got, lines } = await runDecisionCase(c, impl);
          const file = join(dir, c, 'expected.jsonl');
          if (impl === implementations[0] && (process.env.HUSH_UPDATE_DECISIONS || !existsSync(file))) {
            writeFileSync(file, got.join('\n') + '\n');
          }
          const want = readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
          expect(want.length, 'one expected line per event').toBe(lines.length);
          got.forEach((g, i) => {
            expect(JSON.parse(g), `${c}/events.jsonl line ${i + 1}: ${lines[i]}`).toEqual(JSON.parse(want[i]));
          });
        });
      }
    });
  }
});
