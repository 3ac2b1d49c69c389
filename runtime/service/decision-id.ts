// Decision ids: unique per decision and sortable by time, in the manner of a ULID: 10 characters
// of milliseconds and 16 of randomness, in Crockford's base 32 (no I, L, O, U). Randomness is
// drawn from the system's CSPRNG in blocks, so an id costs no system call.
import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODES = Uint16Array.from(ALPHABET, (ch) => ch.charCodeAt(0));
const POOL = new Uint8Array(4096);
let used = POOL.length;

/** The time part of the last id: a busy service makes many ids in one millisecond. */
let lastMs = -1;
let lastTime = '';

export function decisionId(now: number = Date.now()): string {
  if (now !== lastMs) {
    let time = '';
    let t = now;
    for (let i = 0; i < 10; i++) {
      time = ALPHABET[t % 32] + time;
      t = Math.floor(t / 32);
    }
    lastMs = now;
    lastTime = time;
  }
  const time = lastTime;
  if (used + 16 > POOL.length) {
    randomFillSync(POOL);
    used = 0;
  }
  // The 16 characters in one string, not 16 concatenations (a decision id is made per decision).
  const p = POOL;
  const u = used;
  used += 16;
  const c = CODES;
  const rand = String.fromCharCode(
    c[p[u] & 31], c[p[u + 1] & 31], c[p[u + 2] & 31], c[p[u + 3] & 31],
    c[p[u + 4] & 31], c[p[u + 5] & 31], c[p[u + 6] & 31], c[p[u + 7] & 31],
    c[p[u + 8] & 31], c[p[u + 9] & 31], c[p[u + 10] & 31], c[p[u + 11] & 31],
    c[p[u + 12] & 31], c[p[u + 13] & 31], c[p[u + 14] & 31], c[p[u + 15] & 31],
  );
  return time + rand;
}
