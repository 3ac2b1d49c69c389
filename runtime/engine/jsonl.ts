// The JSONL line format of a decision stream (spec/runtime.md): one JSON event per input line in,
// one JSON line per input line out, the decision or, for a line that is not a valid event, an
// error record `{"error":{"line":N,"field":"…","code":"…","message":"…"}}`. `hush run`, the
// decision cases and any embedder that speaks JSONL decide lines here, so the format has one home.
import type { AsyncEngine, Engine } from './engine.ts';
import { parseEventLine, type EventErrorDetail } from './events.ts';

/** The error record of a bad line; `line` is 1-based. */
export function errorRecord(line: number, e: EventErrorDetail): string {
  return JSON.stringify({ error: { line, field: e.field, code: e.code, message: e.message } });
}

/** Decides one line of a stream; `line` is 1-based. Never throws for a bad line. */
export function decideLine(engine: Engine, text: string, line: number, clock: () => number = Date.now): string {
  const p = parseEventLine(text, clock);
  if (!p.ok) return errorRecord(line, p.error);
  return JSON.stringify(engine.decide(p.event));
}

/** `decideLine` on an engine with an asynchronous store. */
export async function decideLineAsync(engine: AsyncEngine, text: string, line: number, clock: () => number = Date.now): Promise<string> {
  const p = parseEventLine(text, clock);
  if (!p.ok) return errorRecord(line, p.error);
  return JSON.stringify(await engine.decide(p.event));
}

/** Decides every line of a stream, in order. */
export function* decideLines(engine: Engine, lines: Iterable<string>): Generator<string> {
  let n = 0;
  for (const l of lines) yield decideLine(engine, l, ++n);
}
