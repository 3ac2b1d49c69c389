// The checks on number and duration literals, shared by both front ends (cst-to-ast.ts for
// `.policy` text, yaml-to-ast.ts for YAML) so both report the same problem the same way.
import { parseDuration } from './duration.ts';

/** The largest number a policy may write. */
export const MAX_NUMBER = 1_000_000_000;

/** A literal's value, or the diagnostic (code, message, help) to report instead. */
export type LiteralCheck<T> = { ok: true; value: T } | { ok: false; code: string; message: string; help?: string };

/** A whole number as written (`source` is its text, for the message): at most `MAX_NUMBER`. */
export function checkNumber(value: number, source: string): LiteralCheck<number> {
  if (!Number.isSafeInteger(value) || value > MAX_NUMBER || value < 0) {
    return { ok: false, code: 'hush/syntax/bad-number', message: `number \`${source}\` is too large` };
  }
  return { ok: true, value };
}

/** A duration as written: `forever` (no end, `null`) or a number and a unit, in milliseconds. */
export function checkDuration(text: string): LiteralCheck<number | null> {
  if (text === 'forever') return { ok: true, value: null };
  const p = parseDuration(text);
  return p.ok ? { ok: true, value: p.ms } : { ok: false, code: 'hush/syntax/bad-duration', message: p.message, help: p.help };
}
