// The hot loops of the matcher, one per automaton layout. Each is a factory: given the matcher's
// arrays it returns `kernel(text)`, which copies the text into a Uint16Array and runs the
// automaton over it as two interleaved chains (the first half and the second half of the text),
// recording raw hits (state, end) in `hits`. matcher.ts joins the chains and turns raw hits into
// keyword spans.
//
// These functions must stay self-contained (no imports, no module-level names, no classes), for
// matcher.ts compiles a private copy of each per matcher from its source text: V8 then treats
// the arrays as constants and drops the per-access checks it needs for arrays it cannot see
// (README.md explains why and measures it). The text compiled is this file's code, never
// anything taken from keywords.
//
// Classes 0, 1 and 2 are reserved: 0 (none) goes back to the root, 1 (skip) stays, 2
// (attention) calls `attention(text, pos, state, hitIndex)`, which handles surrogate pairs,
// combining marks and expansions, writes the new state, position and hit index to io[5..7] and
// returns 0, or -1 when the text needs the slow path.
//
// Results, in io: [0] where the second chain starts, [1] the first chain's final state, [2] the
// end of the first chain's hits (from 0), [3] the end of the second chain's hits (from 2·cap),
// [4] the text's length. `hits` holds 4·cap entries: the first chain's from 0, the second's from
// 2·cap. The kernel returns 0, -1 (slow path) or -2 (text longer than the buffer).

export type Attention = (text: string, pos: number, state: number, hitIndex: number) => number;

/** The kernel of the dense layout: one table load per code unit, states premultiplied by K. */
export function denseKernel(
  delta: Int32Array,
  classMap: Uint16Array,
  units: Uint16Array,
  fill: (text: string) => number,
  hits: Int32Array,
  io: Int32Array,
  attention: Attention,
  cap: number,
  minSplit: number,
) {
  return function kernel(text: string): number {
    const n = text.length;
    if (n > cap) return -2;
    fill(text);
    // The second chain starts in the middle, never inside a surrogate pair or before a mark.
    let mid = n;
    if (n >= minSplit) {
      mid = n >> 1;
      while (mid < n && (classMap[units[mid]] === 2 || (units[mid] & 0xfc00) === 0xdc00)) mid++;
    }
    let i = 0;
    let j = mid;
    let a = 0;
    let b = 0;
    let ha = 0;
    let hb = cap * 2;
    while (i < mid && j < n) {
      const ea = delta[a + classMap[units[i]]];
      const eb = delta[b + classMap[units[j]]];
      if ((ea | eb) >= 0) {
        a = ea;
        b = eb;
        i++;
        j++;
        continue;
      }
      if (ea >= 0) {
        a = ea;
        i++;
      } else if (classMap[units[i]] === 2) {
        if (attention(text, i, a, ha) < 0) return -1;
        a = io[5];
        i = io[6];
        ha = io[7];
      } else {
        a = ~ea;
        i++;
        hits[ha] = a;
        hits[ha + 1] = i;
        ha += 2;
      }
      if (eb >= 0) {
        b = eb;
        j++;
      } else if (classMap[units[j]] === 2) {
        if (attention(text, j, b, hb) < 0) return -1;
        b = io[5];
        j = io[6];
        hb = io[7];
      } else {
        b = ~eb;
        j++;
        hits[hb] = b;
        hits[hb + 1] = j;
        hb += 2;
      }
    }
    while (i < mid) {
      const ea = delta[a + classMap[units[i]]];
      if (ea >= 0) {
        a = ea;
        i++;
      } else if (classMap[units[i]] === 2) {
        if (attention(text, i, a, ha) < 0) return -1;
        a = io[5];
        i = io[6];
        ha = io[7];
      } else {
        a = ~ea;
        i++;
        hits[ha] = a;
        hits[ha + 1] = i;
        ha += 2;
      }
    }
    while (j < n) {
      const eb = delta[b + classMap[units[j]]];
      if (eb >= 0) {
        b = eb;
        j++;
      } else if (classMap[units[j]] === 2) {
        if (attention(text, j, b, hb) < 0) return -1;
        b = io[5];
        j = io[6];
        hb = io[7];
      } else {
        b = ~eb;
        j++;
        hits[hb] = b;
        hits[hb + 1] = j;
        hb += 2;
      }
    }
    io[0] = mid;
    io[1] = a;
    io[2] = ha;
    io[3] = hb;
    io[4] = n;
    return 0;
  };
}

/** The kernel of the double-array layout: transitions by base/check, failure links on a miss. */
export function doubleArrayKernel(
  base: Int32Array,
  check: Int32Array,
  fail: Int32Array,
  classMap: Uint16Array,
  units: Uint16Array,
  fill: (text: string) => number,
  hits: Int32Array,
  io: Int32Array,
  attention: Attention,
  cap: number,
  minSplit: number,
) {
  return function kernel(text: string): number {
    const n = text.length;
    if (n > cap) return -2;
    fill(text);
    let mid = n;
    if (n >= minSplit) {
      mid = n >> 1;
      while (mid < n && (classMap[units[mid]] === 2 || (units[mid] & 0xfc00) === 0xdc00)) mid++;
    }
    let i = 0;
    let j = mid;
    let a = 0;
    let b = 0;
    let ha = 0;
    let hb = cap * 2;
    while (i < mid && j < n) {
      const ca = classMap[units[i]];
      if (ca >= 3) {
        for (;;) {
          const t = (base[a] & 0x7fffffff) + ca;
          if (check[t] === a) {
            a = t;
            break;
          }
          if (a === 0) break;
          a = fail[a];
        }
        i++;
        if (base[a] < 0) {
          hits[ha] = a;
          hits[ha + 1] = i;
          ha += 2;
        }
      } else if (ca === 0) {
        a = 0;
        i++;
      } else if (ca === 1) i++;
      else {
        if (attention(text, i, a, ha) < 0) return -1;
        a = io[5];
        i = io[6];
        ha = io[7];
      }
      const cb = classMap[units[j]];
      if (cb >= 3) {
        for (;;) {
          const t = (base[b] & 0x7fffffff) + cb;
          if (check[t] === b) {
            b = t;
            break;
          }
          if (b === 0) break;
          b = fail[b];
        }
        j++;
        if (base[b] < 0) {
          hits[hb] = b;
          hits[hb + 1] = j;
          hb += 2;
        }
      } else if (cb === 0) {
        b = 0;
        j++;
      } else if (cb === 1) j++;
      else {
        if (attention(text, j, b, hb) < 0) return -1;
        b = io[5];
        j = io[6];
        hb = io[7];
      }
    }
    while (i < mid) {
      const ca = classMap[units[i]];
      if (ca >= 3) {
        for (;;) {
          const t = (base[a] & 0x7fffffff) + ca;
          if (check[t] === a) {
            a = t;
            break;
          }
          if (a === 0) break;
          a = fail[a];
        }
        i++;
        if (base[a] < 0) {
          hits[ha] = a;
          hits[ha + 1] = i;
          ha += 2;
        }
      } else if (ca === 0) {
        a = 0;
        i++;
      } else if (ca === 1) i++;
      else {
        if (attention(text, i, a, ha) < 0) return -1;
        a = io[5];
        i = io[6];
        ha = io[7];
      }
    }
    while (j < n) {
      const cb = classMap[units[j]];
      if (cb >= 3) {
        for (;;) {
          const t = (base[b] & 0x7fffffff) + cb;
          if (check[t] === b) {
            b = t;
            break;
          }
          if (b === 0) break;
          b = fail[b];
        }
        j++;
        if (base[b] < 0) {
          hits[hb] = b;
          hits[hb + 1] = j;
          hb += 2;
        }
      } else if (cb === 0) {
        b = 0;
        j++;
      } else if (cb === 1) j++;
      else {
        if (attention(text, j, b, hb) < 0) return -1;
        b = io[5];
        j = io[6];
        hb = io[7];
      }
    }
    io[0] = mid;
    io[1] = a;
    io[2] = ha;
    io[3] = hb;
    io[4] = n;
    return 0;
  };
}
