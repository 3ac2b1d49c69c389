// The hot loops of the matcher, one per layout (matcher-data.ts). Each is a factory: given the
// matcher's arrays and helpers it returns `scan(text, onHit)`, which runs over the text's code
// units recording raw hits (state or node, end) in `hits`, and reports them (or hands over to
// `finish` when hits need more care than a subtraction). The dense layout has two: one that first
// copies the text into a Uint16Array (`fill`): its loop is short, and a typed-array read is one
// instruction where `charCodeAt` dispatches on the string's representation; and one for short
// Latin texts, which reads them in place, for the copy is a call into the runtime that costs
// about 70 ns whatever the length. For the large-set kernels, whose
// time goes to memory, the copy measured no better than `charCodeAt`, which they use.
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
// The automaton kernels (dense, hybrid) run the first and the second half of the text as two
// interleaved chains, in lockstep while neither meets an attention unit; after that each
// finishes on its own. The second chain starts at the root in the middle of the text; where the
// first chain ends, the kernel reruns from the middle with the first chain's state until that
// state is one the second chain also reached (no deeper than the units fed since the middle):
// from there on the second chain's hits are the true ones. `hits` holds 6·cap entries: the first
// chain's from 0, the second's from 2·cap, the rerun's from 4·cap. For `finish`, io holds
// [0] the joint, [2] the end of the first chain's hits, [3] of the second's, [4] of the rerun's.
// io[9] is set when a unit did not stand for exactly one normalised unit (hit starts then need a
// walk back); a surrogate pair that normalises to itself, fed as its own two units, stands for
// its two normalised units and sets it only when a keyword holds a lone surrogate (`pairMark`
// is 1 then: a hit may start or end inside the pair, and the reference widens it to the pair);
// io[11] is non-zero while hits are reported (a scan from inside `onHit` goes to
// `nested`), io[12] tells how the last scan ran (0 fast, 1 long text, 2 slow path).
//
// Each raw hit's patterns come from `outList` (trie.ts): runs of (pattern, length) pairs ended
// by -1 or a jump (-2 - where to go on), found from the state by the layout's own rule; a
// negative length asks for `emitOne` (a whole-word check).

export type Attention = (text: string, pos: number, state: number, hitIndex: number) => number;
export type Scan = (text: string, onHit: (pattern: number, start: number, end: number) => void) => number;
export type EmitOne = (text: string, pattern: number, end: number, direct: boolean, onHit: (pattern: number, start: number, end: number) => void) => number;

/** The kernel of the dense layout: one table load per code unit, states premultiplied by K. */
export function denseKernel(
  delta: Int32Array,
  depth: Uint8Array | Uint16Array,
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
  out: Int32Array,
  outList: Int32Array,
  simple: boolean,
  emitOne: EmitOne,
  cap: number,
  minSplit: number,
  rawClass: Uint16Array,
  pairKinds: Int32Array,
  markAfterHit: (text: string) => boolean,
  pairMark: number,
) {
  // An attention unit at `pos`, from state s, hits recorded from h, as `attention` (io[5..8]):
  // a surrogate pair whose kind `pairKinds` knows (it normalises to itself: its two units are
  // fed; to nothing: nothing is) right here, without a call; anything else through `attention`.
  function attend(text: string, pos: number, s: number, h: number, n: number): number {
    const u = units[pos];
    if ((u & 0xfc00) === 0xd800 && pos + 1 < n) {
      const v = units[pos + 1];
      if ((v & 0xfc00) === 0xdc00) {
        const o = ((u & 0x3ff) << 10) | (v & 0x3ff);
        const kind = (pairKinds[o >>> 4] >>> ((o & 15) << 1)) & 3;
        if (kind === 2) {
          io[5] = s;
          io[6] = pos + 2;
          io[7] = h;
          io[8] = 0;
          io[9] = 1;
          return 0;
        }
        if (kind === 1) {
          let e = delta[s + rawClass[u]];
          if (e < 0) {
            e = ~e;
            hits[h] = e;
            hits[h + 1] = pos + 1;
            h += 2;
          }
          let f = delta[e + rawClass[v]];
          if (f < 0) {
            f = ~f;
            hits[h] = f;
            hits[h + 1] = pos + 2;
            h += 2;
          }
          io[5] = f;
          io[6] = pos + 2;
          io[7] = h;
          io[8] = 2;
          io[9] |= pairMark;
          return 0;
        }
      }
    }
    return attention(text, pos, s, h);
  }
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
        let o = out[hits[k] / K];
        while (o >= 0) {
          const p = outList[o];
          if (p < 0) {
            o = -2 - p;
            continue;
          }
          const len = outList[o + 1];
          if (direct && len > 0) {
            onHit(p, end - len, end);
            count++;
          } else count += emitOne(text, p, end, direct, onHit);
          o += 2;
        }
      }
    }
    return count;
  }
  // The rest of a walk that met an attention unit, each unit fed with attention handled: chain
  // a on from i to mid, chain b on from j to n, then the rerun from the middle. Raw hits and io
  // as the walk in `scan` leaves them; returns 0 without hits, 1 with some, -1 for the slow path.
  function careful(text: string, n: number, mid: number, i: number, a: number, ha: number, j: number, b: number, hb: number): number {
    while (i < mid) {
      const ea = delta[a + classMap[units[i]]];
      if (ea >= 0) {
        a = ea;
        i++;
      } else if (classMap[units[i]] === 2) {
        if (attend(text, i, a, ha, n) < 0) return -1;
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
        if (attend(text, j, b, hb, n) < 0) return -1;
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
          if (attend(text, pos, s, hr, n) < 0) return -1;
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
    return 1;
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
    let i = 0;
    let j = mid;
    let a = 0;
    let b = 0;
    let ha = 0;
    let hb = cap * 2;
    // The walk makes no call: at the first attention unit `careful` takes over. A call inside
    // these loops, even one never taken, once the warm-up had given it feedback, made the
    // 100-keyword Chinese rows whose keywords hold astral ideographs run at 1.6x the floor
    // instead of 1.2x (measured in separate processes, A/B). The tails and the rerun are
    // `careful`'s own loops without attention, not a call to it: one more call per scan measured
    // 10% slower.
    let found = 0;
    walk: {
      // In lockstep while both chains have units.
      while (i < mid && j < n) {
        const ca = classMap[units[i]];
        const cb = classMap[units[j]];
        let ea = delta[a + ca];
        let eb = delta[b + cb];
        if ((ea | eb) < 0) {
          if (ca === 2 || cb === 2) {
            found = careful(text, n, mid, i, a, ha, j, b, hb);
            break walk;
          }
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
        i++;
        j++;
      }
      while (i < mid) {
        const ea = delta[a + classMap[units[i]]];
        if (ea >= 0) {
          a = ea;
          i++;
        } else if (classMap[units[i]] === 2) {
          found = careful(text, n, mid, i, a, ha, j, b, hb);
          break walk;
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
          found = careful(text, n, mid, i, a, ha, j, b, hb);
          break walk;
        } else {
          b = ~eb;
          j++;
          hits[hb] = b;
          hits[hb + 1] = j;
          hb += 2;
        }
      }
      // Where the first chain ends, again from the middle until it meets the second chain. The
      // second chain walked these units without meeting an attention unit: none is one.
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
      found = 1;
    }
    if (found <= 0) return found === 0 ? 0 : slow(text, onHit);
    if (!simple) return finish(text, onHit);
    const direct = io[9] === 0 && !markAfterHit(text);
    io[11] = 1;
    try {
      return emitRange(text, io[2], io[3], io[4], io[0], direct, onHit);
    } finally {
      io[11] = 0;
    }
  };
}

/**
 * The dense layout's kernel for short Latin texts (under `directUnits`, first and middle units
 * below 256; the others go to `full`, the kernel above): the text read in place (`charCodeAt`),
 * one chain, no copy. The copy into `units`
 * is a call into the runtime that costs about 70 ns whatever the length, as much as half the
 * scan of a 100-unit English message; over `charCodeAt`, a second chain measured slower than one.
 * The loop has no exit but its bound: an attention unit's entry is negative like a hit's (its own
 * row, negated: the state stays), so it takes the hit branch, which ends the loop by setting the
 * bound when the state did not change (a return or a class test there measured 10-20% slower on
 * text without attention units). From that unit on, the text is scanned with attention handled,
 * as the kernel above does it (`attend` is its twin, reading the text in place).
 */
export function denseDirectKernel(
  delta: Int32Array,
  classMap: Uint16Array | Uint8Array,
  hits: Int32Array,
  io: Int32Array,
  attention: Attention,
  full: Scan,
  slow: Scan,
  nested: Scan,
  finish: Scan,
  cap: number,
  directUnits: number,
  rawClass: Uint16Array,
  pairKinds: Int32Array,
  pairMark: number,
) {
  function attend(text: string, pos: number, s: number, h: number, n: number): number {
    const u = text.charCodeAt(pos);
    if ((u & 0xfc00) === 0xd800 && pos + 1 < n) {
      const v = text.charCodeAt(pos + 1);
      if ((v & 0xfc00) === 0xdc00) {
        const o = ((u & 0x3ff) << 10) | (v & 0x3ff);
        const kind = (pairKinds[o >>> 4] >>> ((o & 15) << 1)) & 3;
        if (kind === 2) {
          io[5] = s;
          io[6] = pos + 2;
          io[7] = h;
          io[8] = 0;
          io[9] = 1;
          return 0;
        }
        if (kind === 1) {
          let e = delta[s + rawClass[u]];
          if (e < 0) {
            e = ~e;
            hits[h] = e;
            hits[h + 1] = pos + 1;
            h += 2;
          }
          let f = delta[e + rawClass[v]];
          if (f < 0) {
            f = ~f;
            hits[h] = f;
            hits[h + 1] = pos + 2;
            h += 2;
          }
          io[5] = f;
          io[6] = pos + 2;
          io[7] = h;
          io[8] = 2;
          io[9] |= pairMark;
          return 0;
        }
      }
    }
    return attention(text, pos, s, h);
  }
  return function scan(text: string, onHit: (pattern: number, start: number, end: number) => void): number {
    const n = text.length;
    // Latin text only (its first and middle units below 256: V8 then most likely holds it one
    // byte a character, where charCodeAt is cheapest); two-byte text measured faster copied.
    if (n >= directUnits || (text.charCodeAt(0) | text.charCodeAt(n >> 1)) > 0xff) return full(text, onHit);
    if (io[11] !== 0) return nested(text, onHit);
    let s = 0;
    let h = 0;
    let lim = n;
    for (let i = 0; i < lim; i++) {
      let e = delta[s + classMap[text.charCodeAt(i)]];
      if (e < 0) {
        e = ~e;
        // An attention unit (its entry keeps the state), or, rarely, a hit that loops back to
        // its own state (keywords "aa" and "aaa" over "aaaa"): stop here either way.
        if (e === s) lim = 0;
        hits[h] = e;
        hits[h + 1] = i + 1;
        h += 2;
      }
      s = e;
    }
    io[12] = 0;
    if (h === 0) return 0;
    io[9] = 0;
    if (lim === 0) {
      // Again from the unit the loop stopped at (its entry dropped; the state before it is s),
      // with attention units handled, as the kernel above does it.
      h -= 2;
      let i = hits[h + 1] - 1;
      while (i < n) {
        const c = classMap[text.charCodeAt(i)];
        const e = delta[s + c];
        if (e >= 0) {
          s = e;
          i++;
        } else if (c === 2) {
          if (attend(text, i, s, h, n) < 0) return slow(text, onHit);
          s = io[5];
          i = io[6];
          h = io[7];
        } else {
          s = ~e;
          i++;
          hits[h] = s;
          hits[h + 1] = i;
          h += 2;
        }
      }
      if (h === 0) return 0;
    }
    io[0] = n;
    io[2] = h;
    io[3] = cap * 2;
    io[4] = cap * 4;
    return finish(text, onHit);
  };
}

/**
 * The kernel of the hybrid layout. A state is a row offset (below R: a dense row, failure
 * resolved, one load per unit) or R plus a record offset. A record state looks its class up in
 * its bitmap (classes 3..34; `rare` for the others) and ranks it among its children
 * (consecutive, sorted by class) with a population count; on a miss it follows its failure link,
 * to a row or another record. Its output flag is a bit in `recordOut`.
 */
export function hybridKernel(
  rows: Int32Array,
  records: Int32Array,
  recordOut: Int32Array,
  rare: (node: number, cls: number) => number,
  depth: Uint8Array | Uint16Array,
  R: number,
  M: number,
  W: number,
  K: number,
  classMap: Uint16Array | Uint8Array,
  hits: Int32Array,
  io: Int32Array,
  attention: Attention,
  finish: Scan,
  slow: Scan,
  long: Scan,
  nested: Scan,
  outList: Int32Array,
  simple: boolean,
  emitOne: EmitOne,
  cap: number,
  minSplit: number,
  rawClass: Uint16Array,
  pairKinds: Int32Array,
  markAfterHit: (text: string) => boolean,
  pairMark: number,
) {
  function pop(x: number): number {
    x = x - ((x >>> 1) & 0x55555555);
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    x = (x + (x >>> 4)) & 0x0f0f0f0f;
    return Math.imul(x, 0x01010101) >>> 24;
  }
  // The transition of a record state s (>= R) by class c, flagged (negated) when the next
  // state has outputs.
  function deep(s: number, c: number): number {
    if (c < 3) return c === 0 ? 0 : c === 1 ? s : ~s;
    const cc = c - 3;
    let r = s - R;
    for (;;) {
      let e = -1;
      if (cc < 32) {
        const bits = records[r];
        if (((bits >>> cc) & 1) !== 0) e = records[r + 1] + (pop(bits & ~(-1 << cc)) << 2);
      } else e = rare(M + (r >> 2), c);
      if (e >= 0) {
        const q = (e - R) >> 2;
        return ((recordOut[q >> 5] >>> (q & 31)) & 1) !== 0 ? ~e : e;
      }
      const f = records[r + 2];
      if (f < R) return rows[f + c];
      r = f - R;
    }
  }
  // The next state of any state by class c (not attention), flagged.
  function step(s: number, c: number): number {
    return s < R ? rows[s + c] : deep(s, c);
  }
  // As the dense kernel's `attend`: known surrogate pairs here, anything else through `attention`.
  function attend(text: string, pos: number, s: number, h: number, n: number): number {
    const u = text.charCodeAt(pos);
    if ((u & 0xfc00) === 0xd800 && pos + 1 < n) {
      const v = text.charCodeAt(pos + 1);
      if ((v & 0xfc00) === 0xdc00) {
        const o = ((u & 0x3ff) << 10) | (v & 0x3ff);
        const kind = (pairKinds[o >>> 4] >>> ((o & 15) << 1)) & 3;
        if (kind === 2) {
          io[5] = s;
          io[6] = pos + 2;
          io[7] = h;
          io[8] = 0;
          io[9] = 1;
          return 0;
        }
        if (kind === 1) {
          const e = step(s, rawClass[u]);
          const e1 = e ^ (e >> 31);
          hits[h] = e1;
          hits[h + 1] = pos + 1;
          h += (e >>> 31) << 1;
          const f = step(e1, rawClass[v]);
          const f1 = f ^ (f >> 31);
          hits[h] = f1;
          hits[h + 1] = pos + 2;
          h += (f >>> 31) << 1;
          io[5] = f1;
          io[6] = pos + 2;
          io[7] = h;
          io[8] = 2;
          io[9] |= pairMark;
          return 0;
        }
      }
    }
    return attention(text, pos, s, h);
  }
  function depthOf(s: number): number {
    return s < R ? depth[(s / W) | 0] : depth[M + ((s - R) >> 2)];
  }
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
        let o = s < R ? rows[s + K] : records[s - R + 3];
        while (o >= 0) {
          const p = outList[o];
          if (p < 0) {
            o = -2 - p;
            continue;
          }
          const len = outList[o + 1];
          if (direct && len > 0) {
            onHit(p, end - len, end);
            count++;
          } else count += emitOne(text, p, end, direct, onHit);
          o += 2;
        }
      }
    }
    return count;
  }
  return function scan(text: string, onHit: (pattern: number, start: number, end: number) => void): number {
    if (io[11] !== 0) return nested(text, onHit);
    const n = text.length;
    if (n > cap) return long(text, onHit);
    io[12] = 0;
    io[9] = 0;
    // The second chain starts in the middle, never inside a surrogate pair or before a mark.
    let mid = n;
    if (n >= minSplit) {
      mid = n >> 1;
      while (mid < n && (classMap[text.charCodeAt(mid)] === 2 || (text.charCodeAt(mid) & 0xfc00) === 0xdc00)) mid++;
    }
    let i = 0;
    let j = mid;
    let a = 0;
    let b = 0;
    let ha = 0;
    let hb = cap * 2;
    // In lockstep; an attention unit moves one chain alone, and the lockstep goes on.
    while (i < mid && j < n) {
      const ca = classMap[text.charCodeAt(i)];
      const cb = classMap[text.charCodeAt(j)];
      if (ca === 2) {
        if (attend(text, i, a, ha, n) < 0) return slow(text, onHit);
        a = io[5];
        i = io[6];
        ha = io[7];
        continue;
      }
      if (cb === 2) {
        if (attend(text, j, b, hb, n) < 0) return slow(text, onHit);
        b = io[5];
        j = io[6];
        hb = io[7];
        continue;
      }
      const ea = step(a, ca);
      const eb = step(b, cb);
      // Branch-free: a hit is written always and kept when the state is flagged.
      a = ea ^ (ea >> 31);
      b = eb ^ (eb >> 31);
      hits[ha] = a;
      hits[ha + 1] = i + 1;
      ha += (ea >>> 31) << 1;
      hits[hb] = b;
      hits[hb + 1] = j + 1;
      hb += (eb >>> 31) << 1;
      i++;
      j++;
    }
    while (i < mid) {
      const c = classMap[text.charCodeAt(i)];
      if (c === 2) {
        if (attend(text, i, a, ha, n) < 0) return slow(text, onHit);
        a = io[5];
        i = io[6];
        ha = io[7];
        continue;
      }
      const ea = step(a, c);
      a = ea ^ (ea >> 31);
      i++;
      hits[ha] = a;
      hits[ha + 1] = i;
      ha += (ea >>> 31) << 1;
    }
    while (j < n) {
      const c = classMap[text.charCodeAt(j)];
      if (c === 2) {
        if (attend(text, j, b, hb, n) < 0) return slow(text, onHit);
        b = io[5];
        j = io[6];
        hb = io[7];
        continue;
      }
      const eb = step(b, c);
      b = eb ^ (eb >> 31);
      j++;
      hits[hb] = b;
      hits[hb + 1] = j;
      hb += (eb >>> 31) << 1;
    }
    let joint = mid;
    let hr = cap * 4;
    if (a !== 0 && mid < n) {
      let s = a;
      let pos = mid;
      let fed = 0;
      while (pos < n && depthOf(s) > fed) {
        const c = classMap[text.charCodeAt(pos)];
        if (c === 2) {
          if (attend(text, pos, s, hr, n) < 0) return slow(text, onHit);
          s = io[5];
          pos = io[6];
          hr = io[7];
          fed += io[8];
          continue;
        }
        const e = step(s, c);
        s = e ^ (e >> 31);
        pos++;
        if (c !== 1) fed++;
        hits[hr] = s;
        hits[hr + 1] = pos;
        hr += (e >>> 31) << 1;
      }
      joint = pos;
    }
    if (ha === 0 && hb === cap * 2 && hr === cap * 4) return 0;
    io[0] = joint;
    io[2] = ha;
    io[3] = hb;
    io[4] = hr;
    if (!simple) return finish(text, onHit);
    const direct = io[9] === 0 && !markAfterHit(text);
    io[11] = 1;
    try {
      return emitRange(text, ha, hb, hr, joint, direct, onHit);
    } finally {
      io[11] = 0;
    }
  };
}

/**
 * The kernel of the pairs layout. Outside a keyword the automaton would sit at depth 0 or 1,
 * where its state is a function of the last class `x` alone; so the scan tests each class pair
 * (x, y) in `pairBits` (pairs that start a keyword, single-character keywords, attention units:
 * no chain from one position to the next) and walks the trie forward from the node of xy, the
 * start of a keyword, only where the bit is set. A walk records every node with outputs it
 * passes and stops where the trie has no child. Raw hits are (node, end). Here `attention(text,
 * pos, x, h)` feeds the unit at pos as the main loop would (and walks from it), writes the last
 * class and the next position to io[5] and io[6], and returns the new hit index, or -1 (slow
 * path) or -2 (more hits than the buffer holds: the long path); `walkOn` continues a walk that
 * meets an attention unit, with the same return values.
 */
export function pairsKernel(
  pairBits: Int32Array,
  pairShift: number,
  rootChild: Int32Array,
  first: Int32Array,
  label: Uint16Array,
  out: Int32Array,
  walkOn: (text: string, node: number, pos: number, hitIndex: number) => number,
  K: number,
  classMap: Uint16Array | Uint8Array,
  hits: Int32Array,
  io: Int32Array,
  attention: Attention,
  finish: Scan,
  slow: Scan,
  long: Scan,
  nested: Scan,
  outList: Int32Array,
  simple: boolean,
  emitOne: EmitOne,
  cap: number,
  rawClass: Uint16Array,
  pairKinds: Int32Array,
  markAfterHit: (text: string) => boolean,
) {
  const limit = cap * 2;
  // The node of every keyword prefix of two classes (x, y), hashed by x·K + y into (key, node)
  // pairs: where the pair bit is set, the walk's first step is one probe instead of a binary
  // search among the children of x's node (for Chinese, often hundreds). Nodes of depth 2 are
  // consecutive (breadth-first numbering).
  const d2From = first[first[0]];
  const d2To = first[first[1]];
  let pairSize = 16;
  while (pairSize < 2 * (d2To - d2From)) pairSize *= 2;
  const pairShiftBits = 32 - Math.log2(pairSize);
  const pairNode = new Int32Array(2 * pairSize).fill(-1);
  for (let a = first[0]; a < first[1]; a++) {
    for (let v = first[a]; v < first[a + 1]; v++) {
      const key = label[a] * K + label[v];
      let q = Math.imul(key, 0x9e3779b1) >>> pairShiftBits;
      while (pairNode[2 * q] !== -1) q = (q + 1) & (pairSize - 1);
      pairNode[2 * q] = key;
      pairNode[2 * q + 1] = v;
    }
  }
  /** The node of the two-class prefix `key` (x·K + y), or -1. */
  function prefixNode(key: number): number {
    let q = Math.imul(key, 0x9e3779b1) >>> pairShiftBits;
    for (;;) {
      const k = pairNode[2 * q];
      if (k === key) return pairNode[2 * q + 1];
      if (k === -1) return -1;
      q = (q + 1) & (pairSize - 1);
    }
  }
  function child(v: number, c: number): number {
    let lo = first[v];
    let hi = first[v + 1] - 1;
    while (hi - lo > 7) {
      const m = (lo + hi) >> 1;
      const l = label[m];
      if (l === c) return m;
      if (l < c) lo = m + 1;
      else hi = m - 1;
    }
    for (; lo <= hi; lo++) {
      const l = label[lo];
      if (l >= c) return l === c ? lo : -1;
    }
    return -1;
  }
  // The walk from node v, the next unit at j: the new hit index, or -1 (slow path), -2 (too many hits).
  function walk(text: string, v: number, j: number, h: number, n: number): number {
    for (;;) {
      if (out[v] >= 0) {
        if (h >= limit) return -2;
        hits[h] = v;
        hits[h + 1] = j;
        h += 2;
      }
      let c = 0;
      for (;;) {
        if (j >= n) return h;
        c = classMap[text.charCodeAt(j)];
        if (c !== 1) break;
        j++;
      }
      if (c === 0) return h;
      if (c === 2) return walkOn(text, v, j, h);
      v = child(v, c);
      if (v < 0) return h;
      j++;
    }
  }
  function emitRange(text: string, h: number, direct: boolean, onHit: (pattern: number, start: number, end: number) => void): number {
    let count = 0;
    for (let k = 0; k < h; k += 2) {
      const end = hits[k + 1];
      let o = out[hits[k]];
      for (;;) {
        const p = outList[o];
        if (p < 0) break;
        const len = outList[o + 1];
        if (direct && len > 0) {
          onHit(p, end - len, end);
          count++;
        } else count += emitOne(text, p, end, direct, onHit);
        o += 2;
      }
    }
    return count;
  }
  return function scan(text: string, onHit: (pattern: number, start: number, end: number) => void): number {
    if (io[11] !== 0) return nested(text, onHit);
    const n = text.length;
    if (n > cap) return long(text, onHit);
    io[12] = 0;
    io[9] = 0;
    let x = 0;
    let h = 0;
    for (let i = 0; i < n; i++) {
      const y = classMap[text.charCodeAt(i)];
      const pair = x * K + y;
      const bit = pairShift === 0 ? pair : Math.imul(pair, 0x9e3779b1) >>> pairShift;
      if ((pairBits[bit >>> 5] & (1 << (bit & 31))) !== 0) {
        if (y === 2) {
          // A surrogate pair that normalises to nothing (x stays), or to itself when no keyword
          // holds its units (two units of class 0), right here; anything else through `attention`.
          const u = text.charCodeAt(i);
          const v = i + 1 < n ? text.charCodeAt(i + 1) : 0;
          if ((u & 0xfc00) === 0xd800 && (v & 0xfc00) === 0xdc00) {
            const o = ((u & 0x3ff) << 10) | (v & 0x3ff);
            const kind = (pairKinds[o >>> 4] >>> ((o & 15) << 1)) & 3;
            if (kind === 2 || (kind === 1 && rawClass[u] === 0 && rawClass[v] === 0)) {
              // A pair fed as two units of class 0 lies inside no hit: spans stay exact.
              if (kind === 1) x = 0;
              else io[9] = 1;
              i++;
              continue;
            }
          }
          h = attention(text, i, x, h);
          if (h < 0) return h === -1 ? slow(text, onHit) : long(text, onHit);
          x = io[5];
          i = io[6] - 1;
          continue;
        }
        if (y >= 3) {
          const r = rootChild[y];
          if (r >= 0 && out[r] >= 0) {
            if (h >= limit) return long(text, onHit);
            hits[h] = r;
            hits[h + 1] = i + 1;
            h += 2;
          }
          if (x >= 3) {
            const v = prefixNode(x * K + y);
            if (v >= 0) {
              h = walk(text, v, i + 1, h, n);
              if (h < 0) return h === -1 ? slow(text, onHit) : long(text, onHit);
            }
          }
        }
      }
      // A skipped unit (class 1) leaves x as it is.
      if (y !== 1) x = y;
    }
    if (h === 0) return 0;
    io[0] = n;
    io[2] = h;
    io[3] = cap * 2;
    io[4] = cap * 4;
    if (!simple) return finish(text, onHit);
    const direct = io[9] === 0 && !markAfterHit(text);
    io[11] = 1;
    try {
      return emitRange(text, h, direct, onHit);
    } finally {
      io[11] = 0;
    }
  };
}
