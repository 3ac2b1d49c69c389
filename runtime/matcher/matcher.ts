// Scans texts with a compiled keyword set (matcher-data.ts) and reports every keyword hit with its
// span in the original text: the same hits, in the same order, as the reference interpreter's
// keyword trigger (runtime/interpreter.ts) finds with `indexOf` on normalised text.
//
// Fast path: the kernel (kernels.ts) runs the automaton over the text's code units, with
// normalisation folded into the character-to-class map, in two interleaved chains; the second
// chain's start is then reconciled with the first chain's end state; raw hits (state, end) become
// patterns, starts (walking back over units that normalise to nothing), and are filtered (whole
// words, exception phrases) and sorted. A text whose units do not map one to one or to nothing
// (an NFKC expansion, a combining mark that changes its unit) takes the slow path: it is
// normalised with an offset map and scanned as normalised text.
import { isWholeWord } from '../text-semantics.ts';
import { denseKernel, doubleArrayKernel, type Attention } from './kernels.ts';
import { CLASS_ATTENTION, CLASS_SKIP, FLAG_EXCEPTION, FLAG_OPEN_END, FLAG_OPEN_START, FLAG_WHOLE_WORD, type MatcherData } from './matcher-data.ts';
import { isMark, normalizeText, PairKind, unitNormalizer, unitEnd, unitTable } from './normalize.ts';

export interface Hit {
  /** The pattern's position in the list the matcher was built from. */
  pattern: number;
  /** The span in the original text, in UTF-16 units. */
  start: number;
  end: number;
}

export type OnHit = (pattern: number, start: number, end: number) => void;

export interface Matcher {
  readonly data: MatcherData;
  /**
   * Calls `onHit` for every hit, ordered by start, then longer first, then pattern; exception
   * phrases are never reported. Returns the number of hits.
   */
  scan(text: string, onHit: OnHit): number;
  /** Every hit, in the order `scan` reports them. */
  findAll(text: string): Hit[];
  /** How the last scan ran: 'fast', 'long' (text longer than the buffer) or 'slow' (normalised copy). */
  readonly lastPath: 'fast' | 'long' | 'slow';
}

export interface MatcherOptions {
  /** Compile a private copy of the hot loop for this matcher (default true; see README). */
  specialize?: boolean;
  /** Longest text, in UTF-16 units, that takes the buffered fast path (default 16,384). */
  bufferUnits?: number;
}

/** Texts shorter than this run as one chain: splitting them costs more than it saves. */
const MIN_SPLIT = 24;

let instances = 0;

/**
 * A private copy of a kernel factory, compiled from its own source text so that V8 gives it its
 * own type feedback and optimised code (README.md). Falls back to the shared function where code
 * cannot be compiled at run time.
 */
function specialize<A extends unknown[], R>(template: (...args: A) => R, args: A, enabled: boolean): R {
  if (enabled) {
    try {
      // The source is this project's own kernel function; `__name` is a no-op that some
      // TypeScript loaders wrap named functions in.
      const factory = new Function('__name', `"use strict";\nreturn (${template.toString()});\n// hush matcher kernel ${instances++}`)(
        (f: unknown) => f,
      ) as (...args: A) => R;
      return factory(...args);
    } catch {
      // Run-time code generation is not allowed here (a content security policy): use the shared copy.
    }
  }
  return template(...args);
}

function unitsWriter(cap: number): { units: Uint16Array; fill: (text: string) => number } {
  const B = (globalThis as { Buffer?: typeof Buffer }).Buffer;
  if (B) {
    const buf = B.alloc(cap * 2);
    const units = new Uint16Array(buf.buffer, buf.byteOffset, cap);
    const raw = buf as unknown as { ucs2Write?: (s: string, offset: number) => number };
    const write = typeof raw.ucs2Write === 'function' ? (s: string) => raw.ucs2Write!(s, 0) : (s: string) => buf.write(s, 0, 'utf16le');
    write('\u0102');
    // A big-endian machine would read the bytes the other way round.
    if (units[0] === 0x0102) return { units, fill: write };
  }
  const units = new Uint16Array(cap);
  return {
    units,
    fill: (s: string) => {
      for (let i = 0; i < s.length; i++) units[i] = s.charCodeAt(i);
      return s.length * 2;
    },
  };
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** The code point that ends just before `i`, as a string. */
function codePointBefore(text: string, i: number): string {
  if (i >= 2 && isLow(text.charCodeAt(i - 1)) && isHigh(text.charCodeAt(i - 2))) return text.slice(i - 2, i);
  return text.slice(i - 1, i);
}

/** Creates a matcher from its data. */
export function createMatcher(data: MatcherData, options: MatcherOptions = {}): Matcher {
  const K = data.classCount;
  const dense = data.layout === 'dense';
  const { classMap, delta, base, check, fail, depth, exact, outputLink, patternNext, patternLength, patternFlags, patternGroup } = data;
  const normalizer = unitNormalizer(data.steps);
  const rawClass = new Uint16Array(65536);
  for (let i = 0; i < data.alphabet.length; i++) rawClass[data.alphabet[i]] = data.alphabetClass[i];
  const cap = Math.max(64, options.bufferUnits ?? 16384);
  const { units, fill } = unitsWriter(cap);
  const hits = new Int32Array(4 * cap);
  const rescanHits = new Int32Array(2 * cap + 8);
  const io = new Int32Array(16);
  let target = hits;

  const stateIndex = dense ? (s: number) => s / K : (s: number) => s;
  const hasOutput = dense
    ? (s: number) => {
        const x = s / K;
        return exact[x] >= 0 || outputLink[x] >= 0;
      }
    : (s: number) => base[s] < 0;
  /** The state after class c (a keyword class or 0) from state s. */
  const stepTo = dense
    ? (s: number, c: number) => {
        const e = delta[s + c];
        return e < 0 ? ~e : e;
      }
    : (s: number, c: number) => {
        if (c < 3) return 0;
        for (;;) {
          const t = (base[s] & 0x7fffffff) + c;
          if (check[t] === s) return t;
          if (s === 0) return 0;
          s = fail[s];
        }
      };

  // Units made of a base and marks, by whether they normalise to nothing (bounded memo).
  const emptyUnits = new Map<string, boolean>();
  const unitIsEmpty = (unit: string): boolean => {
    let known = emptyUnits.get(unit);
    if (known === undefined) {
      if (emptyUnits.size > 4096) emptyUnits.clear();
      known = normalizer.normalizeUnit(unit) === '';
      emptyUnits.set(unit, known);
    }
    return known;
  };

  /**
   * A code unit of the attention class at `pos`: a surrogate pair (fed as its two units, or
   * skipped), a lone high surrogate (fed as itself), or a combining mark (skipped when its whole
   * unit normalises to nothing, as its base did). Anything else needs the slow path.
   */
  const attention: Attention = (text, pos, s, h) => {
    const u = text.charCodeAt(pos);
    io[8] = 0;
    if (isHigh(u)) {
      const v = pos + 1 < text.length ? text.charCodeAt(pos + 1) : 0;
      if (!isLow(v)) {
        s = stepTo(s, rawClass[u]);
        pos += 1;
        if (hasOutput(s)) {
          target[h] = s;
          target[h + 1] = pos;
          h += 2;
        }
        io[5] = s;
        io[6] = pos;
        io[7] = h;
        io[8] = 1;
        return 0;
      }
      const kind = normalizer.pairKind(((u - 0xd800) << 10) + (v - 0xdc00) + 0x10000);
      if (kind === PairKind.Identity) {
        // Both units of the pair map to the whole pair.
        s = stepTo(s, rawClass[u]);
        if (hasOutput(s)) {
          target[h] = s;
          target[h + 1] = pos + 2;
          h += 2;
        }
        s = stepTo(s, rawClass[v]);
        if (hasOutput(s)) {
          target[h] = s;
          target[h + 1] = pos + 2;
          h += 2;
        }
        io[5] = s;
        io[6] = pos + 2;
        io[7] = h;
        io[8] = 2;
        return 0;
      }
      if (kind === PairKind.Skip) {
        io[5] = s;
        io[6] = pos + 2;
        io[7] = h;
        return 0;
      }
      if (!isMark(text.slice(pos, pos + 2))) return -1;
    } else if (!isMark(text[pos])) return -1;
    // A mark: find its unit (back over marks to the base, or to the start of the text).
    let q = pos;
    let baseAlone = '';
    while (q > 0) {
      const before = codePointBefore(text, q);
      q -= before.length;
      if (!isMark(before)) {
        baseAlone = before;
        break;
      }
    }
    const end = unitEnd(text, q, table());
    if (!unitIsEmpty(text.slice(q, end))) return -1;
    if (baseAlone !== '' && !unitIsEmpty(baseAlone)) return -1;
    io[5] = s;
    io[6] = end;
    io[7] = h;
    return 0;
  };
  const table = () => unitTable(data.steps);

  const kernel = dense
    ? specialize(denseKernel, [delta, classMap, units, fill, hits, io, attention, cap, MIN_SPLIT], options.specialize ?? true)
    : specialize(doubleArrayKernel, [base, check, fail, classMap, units, fill, hits, io, attention, cap, MIN_SPLIT], options.specialize ?? true);

  // Hits being assembled: pattern, start, end (and, in the slow path, normalised start and end).
  let cand = new Int32Array(64 * 5);
  let candCount = 0;
  const pushCand = (p: number, start: number, end: number, ns: number, ne: number) => {
    if ((candCount + 1) * 5 > cand.length) {
      const c2 = new Int32Array(cand.length * 2);
      c2.set(cand);
      cand = c2;
    }
    const o = candCount * 5;
    cand[o] = p;
    cand[o + 1] = start;
    cand[o + 2] = end;
    cand[o + 3] = ns;
    cand[o + 4] = ne;
    candCount++;
  };

  /** Where a fast-path hit of `len` normalised units that ends at `end` starts. */
  const startOf = (text: string, end: number, len: number): number => {
    let pos = end;
    let remaining = len;
    while (remaining > 0) {
      const u = text.charCodeAt(pos - 1);
      if (isLow(u) && pos >= 2 && isHigh(text.charCodeAt(pos - 2))) {
        const cp = ((text.charCodeAt(pos - 2) - 0xd800) << 10) + (u - 0xdc00) + 0x10000;
        pos -= 2;
        if (normalizer.pairKind(cp) === PairKind.Identity) remaining -= 2;
        continue;
      }
      pos -= 1;
      const c = classMap[u];
      if (c === CLASS_SKIP) continue;
      // Of the attention class, only lone high surrogates stand for a unit on the fast path
      // (marks there are ones that normalise to nothing).
      if (c === CLASS_ATTENTION && !isHigh(u)) continue;
      remaining -= 1;
    }
    return pos;
  };

  /** Adds the patterns of raw hits (state, end) in buf[from..to) as fast-path candidates. */
  const expand = (text: string, buf: Int32Array, from: number, to: number, minEnd: number) => {
    for (let k = from; k < to; k += 2) {
      const end = buf[k + 1];
      if (end <= minEnd) continue;
      let st = stateIndex(buf[k]);
      while (st !== -1) {
        for (let p = exact[st]; p !== -1; p = patternNext[p]) pushCand(p, startOf(text, end, patternLength[p]), end, 0, 0);
        st = outputLink[st];
      }
    }
  };

  /** Filters the candidates (whole words, exceptions) and reports them in order. */
  const report = (text: string, normalised: boolean, onHit: OnHit): number => {
    if (candCount === 0) return 0;
    const n = candCount;
    const c = cand;
    let hasException = false;
    for (let i = 0; i < n; i++) if (patternFlags[c[i * 5]] & FLAG_EXCEPTION) hasException = true;
    const keep: number[] = [];
    for (let i = 0; i < n; i++) {
      const o = i * 5;
      const p = c[o];
      const flags = patternFlags[p];
      if (flags & FLAG_EXCEPTION) continue;
      if (flags & FLAG_WHOLE_WORD && !isWholeWord(text, c[o + 1], c[o + 2], (flags & FLAG_OPEN_START) !== 0, (flags & FLAG_OPEN_END) !== 0)) continue;
      if (hasException) {
        let inside = false;
        const g = patternGroup[p];
        for (let x = 0; x < n && !inside; x++) {
          const ox = x * 5;
          const q = c[ox];
          if (!(patternFlags[q] & FLAG_EXCEPTION) || patternGroup[q] !== g) continue;
          // On the fast path every normalised unit has its own original span, so containment
          // can be read on original spans; the slow path uses normalised positions.
          inside = normalised ? c[ox + 3] <= c[o + 3] && c[o + 4] <= c[ox + 4] : c[ox + 1] <= c[o + 1] && c[o + 2] <= c[ox + 2];
        }
        if (inside) continue;
      }
      keep.push(i);
    }
    candCount = 0;
    if (keep.length > 1) keep.sort((x, y) => c[x * 5 + 1] - c[y * 5 + 1] || c[y * 5 + 2] - c[x * 5 + 2] || c[x * 5] - c[y * 5]);
    // Copied out first: `onHit` may scan again with this matcher.
    const out = new Int32Array(keep.length * 3);
    for (let i = 0; i < keep.length; i++) {
      const o = keep[i] * 5;
      out[i * 3] = c[o];
      out[i * 3 + 1] = c[o + 1];
      out[i * 3 + 2] = c[o + 2];
    }
    for (let i = 0; i < keep.length; i++) onHit(out[i * 3], out[i * 3 + 1], out[i * 3 + 2]);
    return keep.length;
  };

  /** The slow path: normalise with an offset map, scan the normalised text. */
  const scanSlow = (text: string, onHit: OnHit): number => {
    const nt = normalizeText(text, data.steps);
    const t = nt.text;
    const raw: number[] = [];
    let s = 0;
    for (let k = 0; k < t.length; k++) {
      s = stepTo(s, rawClass[t.charCodeAt(k)]);
      if (hasOutput(s)) raw.push(s, k + 1);
    }
    candCount = 0;
    const seen = new Set<string>();
    for (let r = 0; r < raw.length; r += 2) {
      const ne = raw[r + 1];
      let st = stateIndex(raw[r]);
      while (st !== -1) {
        for (let p = exact[st]; p !== -1; p = patternNext[p]) {
          const ns = ne - patternLength[p];
          const start = nt.starts[ns];
          const end = nt.ends[ne - 1];
          // Two normalised positions can map to one original span (`ⅲ` is `iii`): one hit.
          const key = `${p}:${start}:${end}`;
          if (seen.has(key)) continue;
          seen.add(key);
          pushCand(p, start, end, ns, ne);
        }
        st = outputLink[st];
      }
    }
    // The interpreter keeps the first occurrence of a span, in order of normalised start.
    return report(text, true, onHit);
  };

  /** A text longer than the buffer: one chain over the string itself. */
  const scanLong = (text: string, onHit: OnHit): number => {
    const n = text.length;
    const buf = new Int32Array(2 * n + 8);
    target = buf;
    try {
      let s = 0;
      let pos = 0;
      let h = 0;
      while (pos < n) {
        const c = classMap[text.charCodeAt(pos)];
        if (c === CLASS_SKIP) {
          pos++;
          continue;
        }
        if (c === CLASS_ATTENTION) {
          if (attention(text, pos, s, h) < 0) return -1;
          s = io[5];
          pos = io[6];
          h = io[7];
          continue;
        }
        s = stepTo(s, c);
        pos++;
        if (hasOutput(s)) {
          buf[h] = s;
          buf[h + 1] = pos;
          h += 2;
        }
      }
      candCount = 0;
      expand(text, buf, 0, h, -1);
      return report(text, false, onHit);
    } finally {
      target = hits;
    }
  };

  let lastPath: 'fast' | 'long' | 'slow' = 'fast';

  const scan = (text: string, onHit: OnHit): number => {
    const r = kernel(text);
    if (r === -2) {
      lastPath = 'long';
      const count = scanLong(text, onHit);
      if (count >= 0) return count;
    }
    if (r < 0) {
      lastPath = 'slow';
      return scanSlow(text, onHit);
    }
    lastPath = 'fast';
    const mid = io[0];
    const a = io[1];
    const ha = io[2];
    const hb = io[3];
    const n = io[4];
    // Reconcile the second chain: rerun from `mid` with the first chain's state until the state
    // is one the second chain (started at the root) also has, that is until it is no deeper than
    // the units fed since `mid`. Hits up to there come from the rerun.
    let joint = mid;
    let hr = 0;
    if (a !== 0 && mid < n) {
      target = rescanHits;
      let s = a;
      let pos = mid;
      let fed = 0;
      while (pos < n && depth[stateIndex(s)] > fed) {
        const c = classMap[text.charCodeAt(pos)];
        if (c === CLASS_SKIP) {
          pos++;
          continue;
        }
        if (c === CLASS_ATTENTION) {
          if (attention(text, pos, s, hr) < 0) {
            target = hits;
            lastPath = 'slow';
            return scanSlow(text, onHit);
          }
          s = io[5];
          pos = io[6];
          hr = io[7];
          fed += io[8];
          continue;
        }
        s = stepTo(s, c);
        pos++;
        fed++;
        if (hasOutput(s)) {
          rescanHits[hr] = s;
          rescanHits[hr + 1] = pos;
          hr += 2;
        }
      }
      target = hits;
      joint = pos;
    }
    if (ha === 0 && hr === 0 && hb === cap * 2) return 0;
    candCount = 0;
    expand(text, hits, 0, ha, -1);
    expand(text, rescanHits, 0, hr, -1);
    expand(text, hits, cap * 2, hb, joint);
    return report(text, false, onHit);
  };

  return {
    data,
    scan,
    findAll(text: string): Hit[] {
      const out: Hit[] = [];
      scan(text, (pattern, start, end) => out.push({ pattern, start, end }));
      return out;
    },
    get lastPath() {
      return lastPath;
    },
  };
}
