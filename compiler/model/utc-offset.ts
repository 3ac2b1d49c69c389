// UTC offsets as the quota's `timezone "+08:00"` writes them: `±HH:MM`, from UTC−12:00 to
// UTC+14:00 (the offsets in use on Earth). The quota's day starts at midnight at that offset.

/** The earliest and latest UTC offsets in use, in minutes. */
const MIN_OFFSET = -12 * 60;
const MAX_OFFSET = 14 * 60;

/** China's offset, UTC+08:00: the quota's day when no `timezone` is given. */
export const DEFAULT_UTC_OFFSET_MINUTES = 8 * 60;

/** The offset of `±HH:MM` in minutes, or undefined when the text is not one. */
export function parseUtcOffset(text: string): number | undefined {
  const m = /^([+-])([0-9]{2}):([0-9]{2})$/.exec(text);
  if (!m || Number(m[3]) > 59) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  const offset = m[1] === '-' && minutes > 0 ? -minutes : minutes;
  return offset < MIN_OFFSET || offset > MAX_OFFSET ? undefined : offset;
}
