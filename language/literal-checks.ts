// The checks on number and duration literals, shared by both front ends (cst-to-ast.ts for
// `.policy` text, yaml-to-ast.ts for YAML) so both report the same problem the same way.
import { parseDuration } from './duration.ts';

/** The largest number a policy may write. */
export const MAX_NUMBER = 1_000_000_000;

/**
 * A literal's value, or the diagnostic (code, message, help) to report instead; `replacement` is
 * the text that was evidently meant (`60min` → `60m`), for a fix.
 */
export type LiteralCheck<T> = { ok: true; value: T } | { ok: false; code: string; message: string; help?: string; replacement?: string };

/** Words people write for a duration unit, and the unit (`minutes` → `m`). Upper-case `M` is left out: months? */
const UNIT_WORDS: Record<string, string> = {
  s: 's', sec: 's', secs: 's', second: 's', seconds: 's', S: 's',
  m: 'm', min: 'm', mins: 'm', minute: 'm', minutes: 'm',
  h: 'h', hr: 'h', hrs: 'h', hour: 'h', hours: 'h', H: 'h',
  d: 'd', day: 'd', days: 'd', D: 'd',
  w: 'w', wk: 'w', wks: 'w', week: 'w', weeks: 'w', W: 'w',
};

/** The unit a word names (`minutes` → `m`, `Hours` → `h`), or undefined. */
export function durationUnitWord(word: string): string | undefined {
  if (Object.hasOwn(UNIT_WORDS, word)) return UNIT_WORDS[word];
  const lower = word.toLowerCase();
  return lower.length > 1 && Object.hasOwn(UNIT_WORDS, lower) ? UNIT_WORDS[lower] : undefined;
}

/**
 * A number and a unit written apart (`60 minutes`, `10 s`) or a number alone (`60`): never a
 * duration. The check says what to write instead; `unit` is the word after the number, if any.
 */
export function checkSpacedDuration(number: string, unit: string | undefined): LiteralCheck<never> {
  const u = unit === undefined ? undefined : durationUnitWord(unit);
  const written = unit === undefined ? number : `${number} ${unit}`;
  if (u === undefined) {
    const message = unit === undefined ? `\`${written}\` has no unit` : `\`${written}\` is not a duration`;
    return { ok: false, code: 'hush/syntax/bad-duration', message, help: 'write a number and a unit with no space between: 10s, 30m, 1h, 7d, 2w' };
  }
  const meant = `${number}${u}`;
  return { ok: false, code: 'hush/syntax/bad-duration', message: `\`${written}\` is not a duration`, help: `write \`${meant}\`: the number and its unit with no space between`, replacement: meant };
}

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
  if (p.ok) return { ok: true, value: p.ms };
  // Written apart, as a YAML value may be (`mute: 60 minutes`): the same hint as in `.policy` text.
  const apart = /^([0-9]+)[ \t]+([A-Za-z]+)$/.exec(text);
  if (apart) return checkSpacedDuration(apart[1], apart[2]);
  // A unit written as a word (`60min`, `2hours`, `10S`): say which unit was meant.
  const m = /^([0-9]+)([A-Za-z]+)$/.exec(text);
  const u = m && durationUnitWord(m[2]);
  if (m && u && u !== m[2]) {
    const meant = `${m[1]}${u}`;
    const again = parseDuration(meant);
    if (again.ok) return { ok: false, code: 'hush/syntax/bad-duration', message: p.message, help: `did you mean \`${meant}\`?`, replacement: meant };
  }
  return { ok: false, code: 'hush/syntax/bad-duration', message: p.message, help: p.help };
}

/** `H:MM` or `HH:MM`, 00:00 to 23:59, as minutes since midnight; undefined otherwise. */
function timeOfDay(text: string): number | undefined {
  const m = /^([0-9]{1,2}):([0-9]{2})$/.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h < 24 && min < 60 ? h * 60 + min : undefined;
}

/** Minutes since midnight as `HH:MM`. */
export function formatTimeOfDay(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * A time window of a day as written (`22:00-07:00`, spaces around `-` allowed): its start and
 * (exclusive) end in minutes since midnight. An end not after the start crosses midnight; an end
 * equal to the start is an empty window, which the checker reports (`hush/semantic/empty-window`).
 */
export function checkTimeWindow(text: string): LiteralCheck<{ start: number; end: number }> {
  const parts = /^([^-\s]*)\s*-\s*([^-\s]*)$/.exec(text.trim());
  const help = 'write the start and end as 24-hour times, `HH:MM-HH:MM` (`22:00-07:00` crosses midnight)';
  if (!parts) return { ok: false, code: 'hush/syntax/bad-time', message: `\`${text}\` is not a time window`, help };
  const start = timeOfDay(parts[1]);
  const end = timeOfDay(parts[2]);
  for (const [t, v] of [[parts[1], start], [parts[2], end]] as const) {
    if (v === undefined) return { ok: false, code: 'hush/syntax/bad-time', message: `\`${t}\` is not a time of day`, help: 'times go from 00:00 to 23:59 (`00:00` as an end is midnight)' };
  }
  return { ok: true, value: { start: start!, end: end! } };
}

/** A calendar date `YYYY-MM-DD` (a real one: no `2026-02-30`) as days since 1970-01-01; undefined otherwise. */
export function dayNumberOf(text: string): number | undefined {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms / 86_400_000;
}
