// The line format of an archive stream (`hush run --input wecom-archive`, POST /v1/wecom/archive):
// one decrypted WeCom archive record per line in, one JSON line per record out, so outputs stay
// aligned with inputs:
//   a decision   {"msgid":"m-1","allowed":false,"actions":[…],"matches":[…]}
//   a skip       {"skipped":{"line":4,"msgid":"m-4","reason":"one-to-one","message":"…"}}
//   an error     {"error":{"line":5,"msgid":"m-5","field":"msgtime","code":"hush/wecom/bad-time","message":"…"}}
// A skip is not an error: 1:1 chats, recalls and unknown message types are expected in every
// archive. `ArchiveTally` counts skips and errors by reason for the summary a stream ends with.
import type { AsyncEngine, Decision, Engine } from '../engine/engine.ts';
import { decisionJson } from '../engine/decision-json.ts';
import { firstDuplicateKey, mayRepeatKey } from '../engine/duplicate-keys.ts';
import type { ArchiveOptions } from './archive-senders.ts';
import { archiveRecordToEvent, type ArchiveMapping, type ArchiveProblem, type SkipReason } from './archive-to-event.ts';

/** Reads one line of an archive stream: JSON (no repeated key), then the mapping. Never throws. */
export function readArchiveLine(text: string, options: ArchiveOptions = {}): ArchiveMapping {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'error', msgid: null, error: { code: 'hush/wecom/bad-json', field: '', message: 'the line is not valid JSON' } };
  }
  const repeated = mayRepeatKey(text, value) ? firstDuplicateKey(text) : null;
  if (repeated !== null) {
    const o = value as { msgid?: unknown } | null;
    const msgid = typeof o?.msgid === 'string' ? o.msgid : null;
    return { kind: 'error', msgid, error: { code: 'hush/wecom/duplicate-key', field: '', message: `the key ${JSON.stringify(repeated)} appears twice in one object; a record must not repeat a key` } };
  }
  return archiveRecordToEvent(value, options);
}

/** Where a record stands in its stream: `line` (1-based) for a stream, `index` (0-based) for a batch. */
export type RecordPlace = { line: number } | { index: number; line?: number };

function place(p: RecordPlace): string {
  return 'index' in p ? `"index":${p.index}${p.line !== undefined ? `,"line":${p.line}` : ''}` : `"line":${p.line}`;
}

function msgidPart(msgid: string | null): string {
  return msgid === null ? '' : `,"msgid":${JSON.stringify(msgid)}`;
}

/** A decision with the record's `msgid` first, so an integrator can act on the original message. */
export function archiveDecisionRecord(msgid: string, d: Decision): string {
  return `{"msgid":${JSON.stringify(msgid)},${decisionJson(d).slice(1)}`;
}

export function archiveSkipRecord(at: RecordPlace, m: Extract<ArchiveMapping, { kind: 'skipped' }>): string {
  return `{"skipped":{${place(at)}${msgidPart(m.msgid)},"reason":"${m.reason}","message":${JSON.stringify(m.message)}}}`;
}

export function archiveErrorRecord(at: RecordPlace, msgid: string | null, e: ArchiveProblem): string {
  return `{"error":{${place(at)}${msgidPart(msgid)},"field":${JSON.stringify(e.field)},"code":${JSON.stringify(e.code)},"message":${JSON.stringify(e.message)}}}`;
}

/** Counts of a stream's records that gave no decision, by reason, for its closing summary. */
export class ArchiveTally {
  records = 0;
  decided = 0;
  readonly skipped = new Map<SkipReason, number>();
  /** Unknown `msgtype`s and `action`s by name. */
  readonly unknown = new Map<string, number>();
  readonly errors = new Map<string, number>();

  count(m: ArchiveMapping): void {
    this.records++;
    if (m.kind === 'event') this.decided++;
    else if (m.kind === 'skipped') {
      this.skipped.set(m.reason, (this.skipped.get(m.reason) ?? 0) + 1);
      if (m.detail !== '') this.unknown.set(m.detail, (this.unknown.get(m.detail) ?? 0) + 1);
    } else this.errors.set(m.error.code, (this.errors.get(m.error.code) ?? 0) + 1);
  }

  /** A line refused before it was read as a record (over the length cap: `hush/event/line-too-long`). */
  countUnread(code: string): void {
    this.records++;
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  /** `hush: … skipped: …` and `hush: … refused: …` lines, or '' when every record was decided. */
  summary(): string {
    const list = (m: Map<string, number>) =>
      [...m]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([k, n]) => `${n} ${k}`)
        .join(', ');
    let out = '';
    const skipped = [...this.skipped.values()].reduce((a, b) => a + b, 0);
    if (skipped > 0) {
      out += `hush: ${skipped} of ${this.records} archive records skipped: ${list(this.skipped)}`;
      if (this.unknown.size > 0) out += ` (${list(new Map([...this.unknown].map(([k, n]) => [JSON.stringify(k), n])))})`;
      out += '\n';
    }
    const errors = [...this.errors.values()].reduce((a, b) => a + b, 0);
    if (errors > 0) out += `hush: ${errors} of ${this.records} archive records refused (see the error records): ${list(this.errors)}\n`;
    return out;
  }
}

/**
 * Decides one line of an archive stream on an engine with a synchronous store; `line` is 1-based.
 * A store failure throws its StoreError, as `decideLine` does.
 */
export function decideArchiveLine(engine: Engine, text: string, line: number, options: ArchiveOptions = {}, tally?: ArchiveTally): string {
  const m = readArchiveLine(text, options);
  tally?.count(m);
  if (m.kind === 'event') return archiveDecisionRecord(m.msgid, engine.decide(m.event));
  return m.kind === 'skipped' ? archiveSkipRecord({ line }, m) : archiveErrorRecord({ line }, m.msgid, m.error);
}

/** `decideArchiveLine` on an engine with an asynchronous store. */
export async function decideArchiveLineAsync(engine: AsyncEngine, text: string, line: number, options: ArchiveOptions = {}, tally?: ArchiveTally): Promise<string> {
  const m = readArchiveLine(text, options);
  tally?.count(m);
  if (m.kind === 'event') return archiveDecisionRecord(m.msgid, await engine.decide(m.event));
  return m.kind === 'skipped' ? archiveSkipRecord({ line }, m) : archiveErrorRecord({ line }, m.msgid, m.error);
}
