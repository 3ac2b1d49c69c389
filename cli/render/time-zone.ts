// The time zone human output shows times in (`--tz` of `hush explain` and `hush sanctions`): a
// fixed UTC offset (`+08:00`, `-05:30`, `Z`) or an IANA zone name (`Asia/Shanghai`), whose offset
// at each instant comes from Intl (daylight saving included). The default is the policy set's
// `timezone` (its quota's, which its rules' `during` windows are read at too) when the command
// loads a policy, else +08:00 (China Standard Time, where WeCom groups are run). Machine
// output (JSON) stays UTC ISO 8601 whatever the zone.
import { UsageError } from '../io.ts';

export const DEFAULT_TZ = '+08:00';
export const BAD_TZ = 'hush/cli/bad-tz';

export interface TimeZone {
  /** As given: `+08:00` or `Asia/Shanghai`. */
  name: string;
  /** Minutes east of UTC at the instant `ms`. */
  offsetAt(ms: number): number;
}

const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

const offsetText = (minutes: number) => {
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
};

function fixed(name: string, minutes: number): TimeZone {
  return { name, offsetAt: () => minutes };
}

function iana(name: string): TimeZone {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' });
  return {
    name: f.resolvedOptions().timeZone,
    offsetAt(ms) {
      const part = f.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
      const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(part);
      if (!m || !m[1]) return 0;
      return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
    },
  };
}

/**
 * The zone of `--tz` when given, else the policy set's own (its quota's `timezone`, the offset its
 * `during` windows are read at), else +08:00.
 */
export function timeZoneFor(text: string | undefined, policyOffsetMinutes: number | undefined): TimeZone {
  if (text !== undefined || policyOffsetMinutes === undefined) return parseTimeZone(text);
  return fixed(offsetText(policyOffsetMinutes), policyOffsetMinutes);
}

/** Reads `--tz`; anything else than an offset within ±14:00 or a zone Intl knows is exit 2 with `hush/cli/bad-tz`. */
export function parseTimeZone(text: string | undefined): TimeZone {
  const s = (text ?? DEFAULT_TZ).trim();
  if (s === 'Z' || s === 'UTC' || s === 'utc') return fixed('+00:00', 0);
  const m = OFFSET.exec(s);
  if (m) {
    const minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
    if (Number(m[3]) < 60 && Math.abs(minutes) <= 14 * 60) return fixed(offsetText(minutes), minutes);
  } else if (/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(s)) {
    try {
      return iana(s);
    } catch {
      // not a zone Intl knows
    }
  }
  throw new UsageError(`${BAD_TZ}: --tz must be a UTC offset such as +08:00 or an IANA time zone such as Asia/Shanghai, not \`${text}\``);
}

const two = (n: number) => String(n).padStart(2, '0');

/** `2026-11-04 08:00:00 +08:00` (milliseconds only when there are some). */
export function timeText(ms: number, tz: TimeZone): string {
  const offset = tz.offsetAt(ms);
  const d = new Date(ms + offset * 60_000);
  const millis = d.getUTCMilliseconds();
  const clock = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}${millis ? `.${String(millis).padStart(3, '0')}` : ''}`;
  const year = d.getUTCFullYear();
  const y = year >= 0 && year <= 9999 ? String(year).padStart(4, '0') : String(year);
  return `${y}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${clock} ${offsetText(offset)}`;
}

/** An ISO 8601 string from a decision, in the zone; a string that is not a time is given back as it is. */
export function isoText(iso: string, tz: TimeZone): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : timeText(ms, tz);
}
