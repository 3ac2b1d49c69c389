// The hot loops of the matcher, one per automaton layout. Each is a factory: given the matcher's
// arrays and helpers it returns `scan(text, onHit)`, which copies the text into a Uint16Array
// and runs the automaton over it as two interleaved chains (the first half and the second half
// of the text), recording raw hits (state, end) in `hits`, and hands over to `finish` only when
// there are hits.
//
// These functions must stay self-contained (no imports, no module-level names, no classes), for
// matcher.ts compiles a private copy of each per matcher from its source text: V8 then treats
// the arrays as constants and drops the per-access checks it needs for arrays it cannot see
// (README.md explains why and measures it). The text compiled is this file's code, never
// anything taken from keywords.
//
// Classes 0, 1 and 2 are reserved: 0 (none) goes back to the root, 1 (skip) stays, 2
// (attention) calls `attention(text, pos, state, hitIndex)`, which handles surrogate pairs,
// combining marks and expansions, writes the new state, position and hit index to io[5..7] (and
// the units it fed to io[8]) and returns 0, or -1 when the text needs the slow path.
//
// The two chains run in lockstep while neither meets an attention unit; after that each
// finishes on its own. The second chain starts at the root in the middle of the text; where the
// first chain ends, the kernel reruns from the middle with the first chain's state until that
// state is one the second chain also reached (no deeper than the units fed since the middle):
// from there on the second chain's hits are the true ones. `hits` holds 6·cap entries: the first
// chain's from 0, the second's from 2·cap, the rerun's from 4·cap. For `finish`, io holds
// [0] the joint, [2] the end of the first chain's hits, [3] of the second's, [4] of the rerun's.
// io[11] is non-zero while `finish` reports hits (a scan from inside `onHit` goes to `nested`),
// io[12] tells how the last scan ran (0 fast, 1 long text, 2 slow path).

export type Attention = (text: string, pos: number, state: number, hitIndex: number) => number;
export type Scan = (text: string, onHit: (pattern: number, start: number, end: number) => void) => number;

/** The kernel of the dense layout: one table load per code unit, states premultiplied by K. */
export function denseKernel(
  delta: Int32Array,
  depth: Uint16Array,
  K: number,
  classMap: Uint16Array | Uint8Array,
  units: Uint16Array,
  fill: (text: string) => number,
  hits: Int32Array,
  io: Int32Array,
  attention: Attention,
  finish: Scan,
  slow: Scan,
  long: Scan,
  nested: Scan,
  exact: Int32Array,
  outputLink: Int32Array,
  patternNext: Int32Array,
  patternLength: Int32Array,
  patternFlags: Uint8Array,
  slotOf: Int32Array,
  simple: boolean,
  emitOne: (text: string, pattern: number, end: number, direct: boolean, onHit: (pattern: number, start: number, end: number) => void) => number,
  cap: number,
  minSplit: number,
) {
  // Reports the patterns of the raw hits of the first chain, the rerun and the second chain (past
  // the joint); a hit that needs no more than its length to find its start goes straight to
  // `onHit`.
  function emitRange(text: string, ha: number, hb: number, hr: number, joint: number, direct: boolean, onHit: (pattern: number, start: number, end: number) => void): number {
    let count = 0;
    for (let r = 0; r < 3; r++) {
      const from = r === 0 ? 0 : r === 1 ? cap * 4 : cap * 2;
      const to = r === 0 ? ha : r === 1 ? hr : hb;
      const minEnd = r === 2 ? joint : -1;
    for (let k = from; k < to; k += 2) {
      const end = hits[k + 1];
      if (end <= minEnd) continue;
      const s = hits[k];
      let st = s / K;
      while (st !== -1) {
        for (let p = exact[st]; p !== -1; p = patternNext[p]) {
          if (direct && (patternFlags[p] & 4) === 0) {
            onHit(p, end - patternLength[p], end);
            count++;
          } else count += emitOne(text, p, end, direct, onHit);
        }
        st = outputLink[st];
      }
    }
    }
    return count;
  }
  return function scan(text: string, onHit: (pattern: number, start: number, end: number) => void): number {
    if (io[11] !== 0) return nested(text, onHit);
    const n = text.length;
    if (n > cap) return long(text, onHit);
    fill(text);
    io[12] = 0;
    io[9] = 0;
    // The second chain starts in the middle, never inside a surrogate pair or before a mark.
    let mid = n;
    if (n >= minSplit) {
      mid = n >> 1;
      while (mid < n && (classMap[units[mid]] === 2 || (units[mid] & 0xfc00) === 0xdc00)) mid++;
    }
    const stop = mid < n - mid ? mid : n - mid;
    let i = 0;
    let j = mid;
    let a = 0;
    let b = 0;
    let ha = 0;
    let hb = cap * 2;
    for (; i < stop; i++, j++) {
      const ca = classMap[units[i]];
      const cb = classMap[units[j]];
      let ea = delta[a + ca];
      let eb = delta[b + cb];
      if ((ea | eb) < 0) {
        if (ca === 2 || cb === 2) break;
        if (ea < 0) {
          ea = ~ea;
          hits[ha] = ea;
          hits[ha + 1] = i + 1;
          ha += 2;
        }
        if (eb < 0) {
          eb = ~eb;
          hits[hb] = eb;
          hits[hb + 1] = j + 1;
          hb += 2;
        }
      }
      a = ea;
      b = eb;
    }
    while (i < mid) {
      const ea = delta[a + classMap[units[i]]];
      if (ea >= 0) {
        a = ea;
        i++;
      } else if (classMap[units[i]] === 2) {
        if (attention(text, i, a, ha) < 0) return slow(text, onHit);
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
        if (attention(text, j, b, hb) < 0) return slow(text, onHit);
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
    let joint = mid;
    let hr = cap * 4;
    if (a !== 0 && mid < n) {
      let s = a;
      let pos = mid;
      let fed = 0;
      while (pos < n && depth[s / K] > fed) {
        const c = classMap[units[pos]];
        const e = delta[s + c];
        if (e >= 0) {
          if (c !== 1) fed++;
          s = e;
          pos++;
        } else if (c === 2) {
          if (attention(text, pos, s, hr) < 0) return slow(text, onHit);
          s = io[5];
          pos = io[6];
          hr = io[7];
          fed += io[8];
        } else {
          s = ~e;
          pos++;
          fed++;
          hits[hr] = s;
          hits[hr + 1] = pos;
          hr += 2;
        }
      }
      joint = pos;
    }
    if (ha === 0 && hb === cap * 2 && hr === cap * 4) return 0;
    io[0] = joint;
    io[2] = ha;
    io[3] = hb;
    io[4] = hr;
    if (!simple) return finish(text, onHit);
    const direct = io[9] === 0;
    io[11] = 1;
    try {
      return emitRange(text, ha, hb, hr, joint, direct, onHit);
    } finally {
      io[11] = 0;
    }
  };
}

/**
 * The kernel of the double-array layout, a hybrid: the shallowest states (all the automaton's
 * busiest ones) have dense rows in `shallow`, failure already resolved, K entries per state; the
 * others live in the double array and follow failure links on a miss until they reach a
 * shallow state, whose row finishes the transition. A state is a premultiplied shallow row
 * (below `off`) or `off` plus a double-array slot. `failTo` is the failure link of each slot in
 * those terms; slots below K hold the root's children only, whose failure is the root. With
 * `filtered` (large alphabets), a bit per (slot, class) hash tells first
 * whether a slot has a child by that class at all, so that a miss costs no look at `check`.
 */
export function hybridKernel(
  shallow: Int32Array,
  off: number,
  K: number,
  base: Int32Array,
  check: Int32Array,
  failTo: Int32Array,
  depthOf: (state: number) => number,
  edgeBits: Int32Array,
  edgeShift: number,
  filtered: boolean,
  classMap: Uint16Array | Uint8Array,
  units: Uint16Array,
  fill: (text: string) => number,
  hits: Int32Array,
  io: Int32Array,
  attention: Attention,
  finish: Scan,
  slow: Scan,
  long: Scan,
  nested: Scan,
  exact: Int32Array,
  outputLink: Int32Array,
  patternNext: Int32Array,
  patternLength: Int32Array,
  patternFlags: Uint8Array,
  slotOf: Int32Array,
  simple: boolean,
  emitOne: (text: string, pattern: number, end: number, direct: boolean, onHit: (pattern: number, start: number, end: number) => void) => number,
  cap: number,
  minSplit: number,
) {
  // Reports the patterns of the raw hits of the first chain, the rerun and the second chain (past
  // the joint); a hit that needs no more than its length to find its start goes straight to
  // `onHit`.
  function emitRange(text: string, ha: number, hb: number, hr: number, joint: number, direct: boolean, onHit: (pattern: number, start: number, end: number) => void): number {
    let count = 0;
    for (let r = 0; r < 3; r++) {
      const from = r === 0 ? 0 : r === 1 ? cap * 4 : cap * 2;
      const to = r === 0 ? ha : r === 1 ? hr : hb;
      const minEnd = r === 2 ? joint : -1;
    for (let k = from; k < to; k += 2) {
      const end = hits[k + 1];
      if (end <= minEnd) continue;
      const s = hits[k];
      let st = s < off ? slotOf[s / K] : s - off;
      while (st !== -1) {
        for (let p = exact[st]; p !== -1; p = patternNext[p]) {
          if (direct && (patternFlags[p] & 4) === 0) {
            onHit(p, end - patternLength[p], end);
            count++;
          } else count += emitOne(text, p, end, direct, onHit);
        }
        st = outputLink[st];
      }
    }
    }
    return count;
  }
  return function scan(text: string, onHit: (pattern: number, start: number, end: number) => void): number {
    if (io[11] !== 0) return nested(text, onHit);
    const n = text.length;
    if (n > cap) return long(text, onHit);
    fill(text);
    io[12] = 0;
    io[9] = 0;
    let mid = n;
    if (n >= minSplit) {
      mid = n >> 1;
      while (mid < n && (classMap[units[mid]] === 2 || (units[mid] & 0xfc00) === 0xdc00)) mid++;
    }
    const stop = mid < n - mid ? mid : n - mid;
    let i = 0;
    let j = mid;
    let a = 0;
    let b = 0;
    let ha = 0;
    let hb = cap * 2;
    for (; i < stop; i++, j++) {
      const ca = classMap[units[i]];
      const cb = classMap[units[j]];
      if (ca === 2 || cb === 2) break;
      if (a < off) {
        let e = shallow[a + ca];
        if (e < 0) {
          e = ~e;
          hits[ha] = e;
          hits[ha + 1] = i + 1;
          ha += 2;
        }
        a = e;
      } else if (ca >= 3) {
        let d = a - off;
        let out = false;
        for (;;) {
          if (filtered) {
            const h = (Math.imul(d, 0x9e3779b1) ^ Math.imul(ca, 0x85ebca6b)) >>> edgeShift;
            if ((edgeBits[h >>> 5] & (1 << (h & 31))) === 0) {
              const f = d < K ? 0 : failTo[d];
              if (f < off) {
                const e = shallow[f + ca];
                out = e < 0;
                a = out ? ~e : e;
                break;
              }
              d = f - off;
              continue;
            }
          }
          const t = (base[d] & 0x7fffffff) + ca;
          if (check[t] === d) {
            out = base[t] < 0;
            a = t + off;
            break;
          }
          const f = d < K ? 0 : failTo[d];
          if (f < off) {
            const e = shallow[f + ca];
            out = e < 0;
            a = out ? ~e : e;
            break;
          }
          d = f - off;
        }
        if (out) {
          hits[ha] = a;
          hits[ha + 1] = i + 1;
          ha += 2;
        }
      } else if (ca === 0) a = 0;
      if (b < off) {
        let e = shallow[b + cb];
        if (e < 0) {
          e = ~e;
          hits[hb] = e;
          hits[hb + 1] = j + 1;
          hb += 2;
        }
        b = e;
      } else if (cb >= 3) {
        let d = b - off;
        let out = false;
        for (;;) {
          if (filtered) {
            const h = (Math.imul(d, 0x9e3779b1) ^ Math.imul(cb, 0x85ebca6b)) >>> edgeShift;
            if ((edgeBits[h >>> 5] & (1 << (h & 31))) === 0) {
              const f = d < K ? 0 : failTo[d];
              if (f < off) {
                const e = shallow[f + cb];
                out = e < 0;
                b = out ? ~e : e;
                break;
              }
              d = f - off;
              continue;
            }
          }
          const t = (base[d] & 0x7fffffff) + cb;
          if (check[t] === d) {
            out = base[t] < 0;
            b = t + off;
            break;
          }
          const f = d < K ? 0 : failTo[d];
          if (f < off) {
            const e = shallow[f + cb];
            out = e < 0;
            b = out ? ~e : e;
            break;
          }
          d = f - off;
        }
        if (out) {
          hits[hb] = b;
          hits[hb + 1] = j + 1;
          hb += 2;
        }
      } else if (cb === 0) b = 0;
    }
    while (i < mid) {
      const ca = classMap[units[i]];
      if (ca === 2) {
        if (attention(text, i, a, ha) < 0) return slow(text, onHit);
        a = io[5];
        i = io[6];
        ha = io[7];
        continue;
      }
      if (a < off) {
        let e = shallow[a + ca];
        if (e < 0) {
          e = ~e;
          hits[ha] = e;
          hits[ha + 1] = i + 1;
          ha += 2;
        }
        a = e;
      } else if (ca >= 3) {
        let d = a - off;
        let out = false;
        for (;;) {
          if (filtered) {
            const h = (Math.imul(d, 0x9e3779b1) ^ Math.imul(ca, 0x85ebca6b)) >>> edgeShift;
            if ((edgeBits[h >>> 5] & (1 << (h & 31))) === 0) {
              const f = d < K ? 0 : failTo[d];
              if (f < off) {
                const e = shallow[f + ca];
                out = e < 0;
                a = out ? ~e : e;
                break;
              }
              d = f - off;
              continue;
            }
          }
          const t = (base[d] & 0x7fffffff) + ca;
          if (check[t] === d) {
            out = base[t] < 0;
            a = t + off;
            break;
          }
          const f = d < K ? 0 : failTo[d];
          if (f < off) {
            const e = shallow[f + ca];
            out = e < 0;
            a = out ? ~e : e;
            break;
          }
          d = f - off;
        }
        if (out) {
          hits[ha] = a;
          hits[ha + 1] = i + 1;
          ha += 2;
        }
      } else if (ca === 0) a = 0;
      i++;
    }
    while (j < n) {
      const cb = classMap[units[j]];
      if (cb === 2) {
        if (attention(text, j, b, hb) < 0) return slow(text, onHit);
        b = io[5];
        j = io[6];
        hb = io[7];
        continue;
      }
      if (b < off) {
        let e = shallow[b + cb];
        if (e < 0) {
          e = ~e;
          hits[hb] = e;
          hits[hb + 1] = j + 1;
          hb += 2;
        }
        b = e;
      } else if (cb >= 3) {
        let d = b - off;
        let out = false;
        for (;;) {
          if (filtered) {
            const h = (Math.imul(d, 0x9e3779b1) ^ Math.imul(cb, 0x85ebca6b)) >>> edgeShift;
            if ((edgeBits[h >>> 5] & (1 << (h & 31))) === 0) {
              const f = d < K ? 0 : failTo[d];
              if (f < off) {
                const e = shallow[f + cb];
                out = e < 0;
                b = out ? ~e : e;
                break;
              }
              d = f - off;
              continue;
            }
          }
          const t = (base[d] & 0x7fffffff) + cb;
          if (check[t] === d) {
            out = base[t] < 0;
            b = t + off;
            break;
          }
          const f = d < K ? 0 : failTo[d];
          if (f < off) {
            const e = shallow[f + cb];
            out = e < 0;
            b = out ? ~e : e;
            break;
          }
          d = f - off;
        }
        if (out) {
          hits[hb] = b;
          hits[hb + 1] = j + 1;
          hb += 2;
        }
      } else if (cb === 0) b = 0;
      j++;
    }
    let joint = mid;
    let hr = cap * 4;
    if (a !== 0 && mid < n) {
      let s = a;
      let pos = mid;
      let fed = 0;
      while (pos < n && depthOf(s) > fed) {
        const c = classMap[units[pos]];
        if (c === 2) {
          if (attention(text, pos, s, hr) < 0) return slow(text, onHit);
          s = io[5];
          pos = io[6];
          hr = io[7];
          fed += io[8];
          continue;
        }
        if (s < off) {
          let e = shallow[s + c];
          if (e < 0) {
            e = ~e;
            hits[hr] = e;
            hits[hr + 1] = pos + 1;
            hr += 2;
          }
          s = e;
        } else if (c >= 3) {
          let d = s - off;
          let out = false;
          for (;;) {
            if (filtered) {
              const h = (Math.imul(d, 0x9e3779b1) ^ Math.imul(c, 0x85ebca6b)) >>> edgeShift;
              if ((edgeBits[h >>> 5] & (1 << (h & 31))) === 0) {
                const f = d < K ? 0 : failTo[d];
                if (f < off) {
                  const e = shallow[f + c];
                  out = e < 0;
                  s = out ? ~e : e;
                  break;
                }
                d = f - off;
                continue;
              }
            }
            const t = (base[d] & 0x7fffffff) + c;
            if (check[t] === d) {
              out = base[t] < 0;
              s = t + off;
              break;
            }
            const f = d < K ? 0 : failTo[d];
            if (f < off) {
              const e = shallow[f + c];
              out = e < 0;
              s = out ? ~e : e;
              break;
            }
            d = f - off;
          }
          if (out) {
            hits[hr] = s;
            hits[hr + 1] = pos + 1;
            hr += 2;
          }
        } else if (c === 0) s = 0;
        pos++;
        if (c !== 1) fed++;
      }
      joint = pos;
    }
    if (ha === 0 && hb === cap * 2 && hr === cap * 4) return 0;
    io[0] = joint;
    io[2] = ha;
    io[3] = hb;
    io[4] = hr;
    if (!simple) return finish(text, onHit);
    const direct = io[9] === 0;
    io[11] = 1;
    try {
      return emitRange(text, ha, hb, hr, joint, direct, onHit);
    } finally {
      io[11] = 0;
    }
  };
}
