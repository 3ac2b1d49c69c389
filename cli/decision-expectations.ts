// Partial expectations on decisions, for `hush test` fixtures. An expectation names only what it
// cares about; what it names must match exactly:
// - scalars compare with `===`;
// - an object matches when each of its keys matches the same key of the decision (other keys of
//   the decision are ignored);
// - an array matches an array of the same length, item by item;
// - in `actions`, a string is shorthand for `{type: STRING}`; in `matches`, `"rule/trigger"` is
//   shorthand for `{rule, trigger}`;
// - `error` expects the event to be rejected: a code string, or a partial error object.
// A failure also says what the decision was (`decisionText`), the rules that fired first, so an
// author sees why it differs.
import { actionText, sanctionText } from '../compiler/wording.ts';
import type { Decision, EventError, IrAction } from '../runtime/index.ts';

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

/** The rules and triggers that fired, `rule/trigger`, in the decision's order, each once. */
export function firedOf(got: Decision | EventError): string[] {
  if ('error' in got) return [];
  return [...new Set(got.matches.map((m) => `${m.rule}/${m.trigger}`))];
}

/**
 * What a decision was, on one line: `not allowed; fired: ads/keyword; actions: remove, warn "…"`,
 * or `no rule fired`, with why a sender was stopped before the rules (blacklisted, muted, exempt)
 * and the ladders' sanctions; a rejected event gives its error.
 */
export function decisionText(got: Decision | EventError): string {
  if ('error' in got) return `rejected: ${got.error.field ? `${got.error.field}: ` : ''}${got.error.message} (${got.error.code})`;
  const parts = [got.allowed ? 'allowed' : 'not allowed'];
  if (got.blocked) parts.push(`blocked by the ${got.blocked.list} blacklist${got.blocked.owner ? ` of ${got.blocked.owner}` : ''}`);
  if (got.muted) parts.push(`muted ${got.muted.until === null ? 'for ever' : `until ${got.muted.until}`}`);
  if (got.exempt) parts.push('exempt');
  const fired = firedOf(got);
  parts.push(fired.length > 0 ? `fired: ${fired.join(', ')}` : 'no rule fired');
  if (got.actions.length > 0) parts.push(`actions: ${got.actions.map((a) => actionText(a as IrAction)).join(', ')}`);
  if (got.sanctions && got.sanctions.length > 0) {
    const ms = (s: { from: string; until: string | null }) => (s.until === null ? null : Date.parse(s.until) - Date.parse(s.from));
    const what = (s: (typeof got.sanctions)[number]) =>
      s.step === 'linked' && s.until === null ? `${s.sanction} until the WeChat account is unblocked` : sanctionText({ sanction: s.sanction, ms: ms(s) });
    parts.push(`sanctions: ${got.sanctions.map((s) => `${s.ladder}/${s.step} ${what(s)}`).join(', ')}`);
  }
  if (got.reason) parts.push(`reason: ${got.reason}`);
  return parts.join('; ');
}
