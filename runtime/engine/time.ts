// Event time: the range of times the runtime accepts, and the one way it writes a time. Every
// time an event carries, and every time computed from one (a sanction's end, a strike's expiry,
// a flood window), stays far inside what a JavaScript Date can hold, so no date computation can
// fail: an event outside the range is refused with `hush/event/bad-time` before it touches state.

/** The earliest accepted event time: the epoch, 1970-01-01T00:00:00Z. */
export const MIN_EVENT_TIME = 0;
/** The latest accepted event time: 9999-12-31T23:59:59.999Z (the last four-digit year). */
export const MAX_EVENT_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** What a Date can hold, either side of the epoch (ECMA-262 §21.4.1.22). */
const DATE_LIMIT = 8.64e15;

export function inEventRange(t: number): boolean {
  return t >= MIN_EVENT_TIME && t <= MAX_EVENT_TIME;
}

/**
 * A time as ISO 8601 UTC. Total: a time beyond what a Date holds (only a store written by something
 * else could hold one) is written as the nearest time a Date holds, never an exception.
 */
export function isoTime(t: number): string {
  const clamped = Number.isNaN(t) ? 0 : Math.max(-DATE_LIMIT, Math.min(DATE_LIMIT, t));
  return new Date(clamped).toISOString();
}
