// Durations: a whole number and one unit. `forever` is handled by the grammar, not here.

export const DURATION_UNITS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
export type DurationUnit = keyof typeof DURATION_UNITS;

/** The longest duration accepted anywhere: ten years, so date arithmetic can never overflow. */
export const MAX_DURATION_MS = 10 * 365 * DURATION_UNITS.d;

export type DurationParse = { ok: true; ms: number } | { ok: false; message: string; help?: string };

export function parseDuration(text: string): DurationParse {
  const m = /^([0-9]+)([A-Za-z]+)$/.exec(text);
  if (!m) return { ok: false, message: `\`${text}\` is not a duration`, help: 'write a number and a unit: 10s, 30m, 1h, 7d, 2w' };
  const unit = m[2] as DurationUnit;
  if (!(unit in DURATION_UNITS)) {
    return { ok: false, message: `unknown duration unit \`${m[2]}\``, help: 'units are s (seconds), m (minutes), h (hours), d (days) and w (weeks)' };
  }
  const n = Number(m[1]);
  const ms = n * DURATION_UNITS[unit];
  if (n === 0) return { ok: false, message: 'a duration must be longer than zero' };
  if (!Number.isSafeInteger(ms) || ms > MAX_DURATION_MS) {
    return { ok: false, message: `duration \`${text}\` is longer than ten years`, help: 'use `forever` for a sanction that never ends' };
  }
  return { ok: true, ms };
}

/** The shortest canonical text of a duration in milliseconds (90000 → `90s`, 3600000 → `1h`). */
export function formatDuration(ms: number | null): string {
  if (ms === null) return 'forever';
  for (const unit of ['w', 'd', 'h', 'm', 's'] as DurationUnit[]) {
    const size = DURATION_UNITS[unit];
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}
