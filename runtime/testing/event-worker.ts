// A worker process for the store tests that need real processes (runtime/store/sqlite-crash.test.ts,
// runtime/store/redis-workers.test.ts): decides a stream of events with the reference interpreter on
// a SQLite file or a Redis, and prints one line per decided event, after the store has
// committed it:
//
//   node bin/run-ts.js runtime/testing/event-worker.ts IR.json STORE EVENTS.jsonl [--wait-go]
//
// STORE is `sqlite:PATH` or a Redis URL with `?prefix=P`. Each output line is
// `{"i": <index in EVENTS>, "decision": {...}}`, written synchronously. With `--wait-go` it prints `ready` once the store
// is open and waits for a `go` line on stdin, so that a test can start many workers at once.
import { readFileSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createAsyncEngine, createEngine } from '../engine/engine.ts';
import { interpretIr } from '../policy/interpreter.ts';
import type { IrPolicySet } from '../ir.ts';
import { RedisStore } from '../store/redis-store.ts';
import { SqliteStore } from '../store/sqlite-store.ts';

const [irPath, storeSpec, eventsPath, flag] = process.argv.slice(2);
const policy = interpretIr(JSON.parse(readFileSync(irPath, 'utf8')) as IrPolicySet);
const events = readFileSync(eventsPath, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as unknown);
/**
 * Writes a line before going on (process.stdout may queue it in memory): a line the test has
 * read was decided, and the worker is never more than a pipe's buffer ahead of the reader.
 */
function out(line: string): void {
  const buf = Buffer.from(line + '\n');
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(1, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}

async function waitForGo(): Promise<void> {
  out('ready');
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (line.trim() === 'go') break;
  }
  rl.close();
}

if (storeSpec.startsWith('sqlite:')) {
  const store = new SqliteStore(storeSpec.slice('sqlite:'.length));
  const engine = createEngine(policy, { store });
  if (flag === '--wait-go') await waitForGo();
  for (let i = 0; i < events.length; i++) out(JSON.stringify({ i, decision: engine.evaluate(events[i]) }));
  store.close();
} else {
  // redis://…?prefix=P or redis+cluster://…?prefix=P: the store reads either.
  const store = await RedisStore.connect(storeSpec);
  const engine = createAsyncEngine(policy, { store });
  if (flag === '--wait-go') await waitForGo();
  for (let i = 0; i < events.length; i++) out(JSON.stringify({ i, decision: await engine.evaluate(events[i]) }));
  await store.close();
}
