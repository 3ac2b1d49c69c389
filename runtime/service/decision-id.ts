// Decision ids: unique per decision and sortable by time, in the manner of a ULID: 10 characters
// of milliseconds and 16 of randomness, in Crockford's base 32 (no I, L, O, U). Randomness is
// drawn from the system's CSPRNG in blocks, so an id costs no system call.
import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
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
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[POOL[used++] & 31];
  return time + rand;
}
