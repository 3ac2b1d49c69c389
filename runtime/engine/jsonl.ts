// The JSONL line format of a decision stream (spec/runtime.md): one JSON event per input line in,
// one JSON line per input line out, the decision or, for a line that is not a valid event, an
// error record `{"error":{"line":N,"field":"…","code":"…","message":"…"}}`. `hush run`, the
// decision cases and any embedder that speaks JSONL decide lines here, so the format has one home.
import { decisionJson } from './decision-json.ts';
import type { AsyncEngine, Engine } from './engine.ts';
import { parseEventLine, type EventErrorDetail } from './events.ts';
import type { StoreError } from '../store/store.ts';

/** The error record of a bad line; `line` is 1-based. */
export function errorRecord(line: number, e: EventErrorDetail): string {
  return JSON.stringify({ error: { line, field: e.field, code: e.code, message: e.message } });
}

/**
 * The error record of a line whose event could not be decided because the store failed
 * (spec/runtime.md, "when the store fails"): never a decision made without state. Some of the
 * event's state changes may have been applied; replaying the event with its `id` completes them
 * without applying any twice.
 */
export function storeErrorRecord(line: number, e: StoreError): string {
  return errorRecord(line, { code: e.code, field: '', message: e.message });
}

/**
 * Whether a stream must stop after this store error: the state is unreadable or gone
 * (`corrupt`, `version`, `lost`, …), so no later event can be decided truthfully. An unreachable
 * or refusing store (`unreachable`, `failed`) may come back: the stream goes on, and each event
 * gets its decision or its own error record.
 */
export function storeErrorStops(e: StoreError): boolean {
  return e.code !== 'hush/store/unreachable' && e.code !== 'hush/store/failed';
}

/** Decides one line of a stream; `line` is 1-based. Never throws for a bad line. */
export function decideLine(engine: Engine, text: string, line: number, clock: () => number = Date.now): string {
  const p = parseEventLine(text, clock);
  if (!p.ok) return errorRecord(line, p.error);
  return decisionJson(engine.decide(p.event));
}

/** `decideLine` on an engine with an asynchronous store. */
export async function decideLineAsync(engine: AsyncEngine, text: string, line: number, clock: () => number = Date.now): Promise<string> {
  const p = parseEventLine(text, clock);
  if (!p.ok) return errorRecord(line, p.error);
  return decisionJson(await engine.decide(p.event));
}

/** Decides every line of a stream, in order. */
export function* decideLines(engine: Engine, lines: Iterable<string>): Generator<string> {
  let n = 0;
  for (const l of lines) yield decideLine(engine, l, ++n);
}

/** The longest event line read (4 MiB): a longer one gets an error record and is never parsed. */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** A line of a stream: its text, or, past the cap, only its length in bytes. */
export type StreamLine = string | { tooLong: number };

/** The error record of a line over the cap. */
export function tooLongRecord(line: number, bytes: number, max = MAX_LINE_BYTES): string {
  return errorRecord(line, { code: 'hush/event/line-too-long', field: '', message: `the line is ${bytes} bytes long; event lines may be at most ${max} bytes` });
}

/**
 * Splits a byte stream into lines (`\n`, a `\r` before it dropped, a last line without one kept),
 * holding at most `max` bytes of one line in memory: the rest of a longer line is skipped as it
 * arrives, so a line of any size costs constant memory and never stops the stream.
 */
export async function* readLines(input: AsyncIterable<Buffer | string>, max = MAX_LINE_BYTES): AsyncGenerator<StreamLine> {
  let parts: Buffer[] = [];
  let held = 0;
  let length = 0; // bytes of the current line, held or skipped
  const end = (): StreamLine => {
    if (length > max) return { tooLong: length };
    let buf = parts.length === 1 ? parts[0] : Buffer.concat(parts, held);
    if (buf.length > 0 && buf[buf.length - 1] === 0x0d) buf = buf.subarray(0, buf.length - 1);
    return buf.toString('utf8');
  };
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let from = 0;
    while (from < bytes.length) {
      const nl = bytes.indexOf(0x0a, from);
      const stop = nl < 0 ? bytes.length : nl;
      const piece = bytes.subarray(from, stop);
      length += piece.length;
      if (length <= max) {
        parts.push(piece);
        held += piece.length;
      } else if (held > 0) {
        parts = [];
        held = 0;
      }
      if (nl < 0) break;
      yield end();
      parts = [];
      held = 0;
      length = 0;
      from = nl + 1;
    }
  }
  if (length > 0 || held > 0) yield end();
}
