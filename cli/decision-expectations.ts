// Partial expectations on decisions, for `hush test` fixtures. An expectation names only what it
// cares about; what it names must match exactly:
// - scalars compare with `===`;
// - an object matches when each of its keys matches the same key of the decision (other keys of
//   the decision are ignored);
// - an array matches an array of the same length, item by item;
// - in `actions`, a string is shorthand for `{type: STRING}`; in `matches`, `"rule/trigger"` is
//   shorthand for `{rule, trigger}`;
// - `error` expects the event to be rejected: a code string, or a partial error object.
import type { Decision, EventError } from '../runtime/index.ts';

export const EXPECTATION_KEYS = ['event', 'allowed', 'actions', 'matches', 'blocked', 'muted', 'exempt', 'recorded', 'sanctions', 'strikes', 'appeal', 'quota', 'reason', 'error'] as const;

export type Expectation = Partial<Record<(typeof EXPECTATION_KEYS)[number], unknown>>;

const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v));

function partial(want: unknown, got: unknown, path: string, out: string[]): void {
  if (Array.isArray(want)) {
    if (!Array.isArray(got)) {
      out.push(`${path}: want a list, got ${show(got)}`);
      return;
    }
    if (want.length !== got.length) {
      out.push(`${path}: want ${want.length} item(s), got ${got.length}: ${show(got)}`);
      return;
    }
    want.forEach((w, i) => partial(w, got[i], `${path}[${i}]`, out));
    return;
  }
  if (want !== null && typeof want === 'object') {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) {
      out.push(`${path}: want ${show(want)}, got ${show(got)}`);
      return;
    }
    for (const [k, w] of Object.entries(want)) partial(w, (got as Record<string, unknown>)[k], `${path}.${k}`, out);
    return;
  }
  if (want !== got) out.push(`${path}: want ${show(want)}, got ${show(got)}`);
}

function expandActions(want: unknown): unknown {
  return Array.isArray(want) ? want.map((a) => (typeof a === 'string' ? { type: a } : a)) : want;
}

function expandMatches(want: unknown): unknown {
  if (!Array.isArray(want)) return want;
  return want.map((m) => {
    if (typeof m !== 'string') return m;
    const [rule, trigger] = m.split('/');
    return trigger ? { rule, trigger } : { rule };
  });
}

/** The differences between an expectation and an outcome; empty when it holds. */
export function checkExpectation(want: Expectation, got: Decision | EventError): string[] {
  const out: string[] = [];
  if ('error' in got) {
    if (want.error === undefined) {
      out.push(`the event was rejected: ${got.error.field ? `${got.error.field}: ` : ''}${got.error.message} (${got.error.code})`);
      return out;
    }
    partial(typeof want.error === 'string' ? { code: want.error } : want.error, got.error, 'error', out);
    return out;
  }
  if (want.error !== undefined) {
    out.push(`want the event rejected (${show(want.error)}), got a decision: ${show(got)}`);
    return out;
  }
  for (const k of EXPECTATION_KEYS) {
    if (k === 'event' || k === 'error' || !(k in want)) continue;
    const w = k === 'actions' ? expandActions(want[k]) : k === 'matches' ? expandMatches(want[k]) : want[k];
    partial(w, (got as unknown as Record<string, unknown>)[k], k, out);
  }
  return out;
}
