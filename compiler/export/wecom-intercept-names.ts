// The names Hush gives the WeCom intercept rules it writes. WeCom knows a rule by `rule_id`, which
// it chooses; Hush finds its own rules again by name, so a name is derived from the Hush rule's
// name alone (deterministic: the same policy always gives the same names), is unique, fits
// WeCom's length limit (spec/limits/export/wecom-intercept.json, `rule-name-length`), and starts
// with `hush-`, the mark of a rule Hush manages (a plan never touches a rule without it).
import { createHash } from 'node:crypto';
import { interceptLimit } from './wecom-intercept-limits.ts';

/** The prefix of every intercept rule Hush writes; a WeCom rule without it is left alone. */
export const MANAGED_PREFIX = 'hush-';

/** Length in characters, as WeCom counts them ("utf8字符": code points, not UTF-16 units). */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function firstChars(s: string, n: number): string {
  return [...s].slice(0, n).join('');
}

/** True for a name Hush manages. */
export function isManagedName(name: string): boolean {
  return name.startsWith(MANAGED_PREFIX);
}

/** What an intercept rule is made from: a Hush rule, and which part of it when it was split. */
export interface NamedPart {
  rule: string;
  /** 1, 2, 3… when a rule's words were split over several intercept rules; 1 otherwise. */
  part: number;
}

/** The short, readable form: `hush-NAME` or `hush-NAME-2`, when it fits. */
function readable(p: NamedPart): string {
  return `${MANAGED_PREFIX}${p.rule}${p.part > 1 ? `-${p.part}` : ''}`;
}

/** The hashed form: `hush-` + the start of the name + `~` + 6 hex digits of a digest of (rule, part). */
function hashed(p: NamedPart, max: number): string {
  const digest = createHash('sha256').update(JSON.stringify([p.rule, p.part])).digest('hex').slice(0, 6);
  const room = max - charLength(MANAGED_PREFIX) - 1 - digest.length;
  return `${MANAGED_PREFIX}${firstChars(p.rule, Math.max(0, room))}~${digest}`;
}

/**
 * One name per part, in the order given. The readable form is used when it fits and no other
 * part would get the same one; otherwise the hashed form, whose digest covers the whole name and
 * the part number. Returns undefined for a part only if two hashed names still collide (a
 * 24-bit digest collision between two rules sharing their first characters).
 */
export function interceptRuleNames(parts: readonly NamedPart[]): (string | undefined)[] {
  const max = interceptLimit('rule-name-length').max;
  const first = parts.map((p) => {
    const r = readable(p);
    return charLength(r) <= max && !r.includes('~') ? r : undefined;
  });
  const count = new Map<string, number>();
  for (const n of first) if (n !== undefined) count.set(n, (count.get(n) ?? 0) + 1);
  const names = parts.map((p, i) => {
    const r = first[i];
    return r !== undefined && count.get(r) === 1 ? r : hashed(p, max);
  });
  const seen = new Map<string, number>();
  for (const n of names) seen.set(n, (seen.get(n) ?? 0) + 1);
  return names.map((n) => (seen.get(n) === 1 ? n : undefined));
}
