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
import { denseKernel, hybridKernel, type Attention } from './kernels.ts';
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
   * Calls `onHit` for every hit, in the order the automaton finds them (by the end of the match
   * in the normalised text; at one end, longer first); exception phrases are never reported.
   * Allocates nothing on the way for a matcher without exception phrases. Returns the count.
   */
  scan(text: string, onHit: OnHit): number;
  /** Every hit, ordered by start, then longer first, then pattern: the interpreter's order. */
  findAll(text: string): Hit[];
  /** How the last scan ran: 'fast', 'long' (text longer than the buffer) or 'slow' (normalised copy). */
  readonly lastPath: 'fast' | 'long' | 'slow';
}

export interface MatcherOptions {
  /** Compile a private copy of the hot loop for this matcher (default true; see README). */
  specialize?: boolean;
  /** Bytes of dense rows for the shallowest states of a double array (default 1 MiB). */
  denseBytes?: number;
  /** Use the double-array edge filter (default: for alphabets of 512 classes or more). */
  edgeFilter?: boolean;
  /** Longest text, in UTF-16 units, that takes the buffered fast path (default 8,192). */
  bufferUnits?: number;
}

/** Alphabets at least this large get the double-array edge filter (kernels.ts). */
const EDGE_FILTER_CLASSES = 512;

/** One bit per (parent, class) hash of every non-root double-array edge, 8 bits per edge or more. */
function edgeFilter(base: Int32Array, check: Int32Array): { bits: Int32Array; shift: number } {
  let edges = 0;
  for (let t = 0; t < check.length; t++) if (check[t] > 0) edges++;
  let bits = 10;
  while (1 << bits < edges * 8 && bits < 30) bits++;
  const shift = 32 - bits;
  const out = new Int32Array(1 << (bits - 5));
  for (let t = 0; t < check.length; t++) {
    const p = check[t];
    if (p <= 0) continue;
    const c = t - (base[p] & 0x7fffffff);
    const h = (Math.imul(p, 0x9e3779b1) ^ Math.imul(c, 0x85ebca6b)) >>> shift;
    out[h >>> 5] |= 1 << (h & 31);
  }
  return { bits: out, shift };
}

/**
 * Dense rows for the `count` shallowest states of a double array (by depth, then slot), with
 * failure resolved: row entries are the next state as a premultiplied row (shallow) or `off`
 * plus a slot (deep), bitwise negated when the next state ends a keyword or the class needs
 * attention. `failTo` gives each slot's failure link in the same terms.
 */
function shallowRows(data: MatcherData, count: number): { rows: Int32Array; off: number; slotOf: Int32Array; failTo: Int32Array } {
  const { base, check, fail, depth, stateCount: S, classCount: K } = data;
  // Slots of real states, by depth (a counting sort), root first.
  let maxDepth = 0;
  for (let s = 0; s < S; s++) if ((s === 0 || check[s] >= 0) && depth[s] > maxDepth) maxDepth = depth[s];
  const perDepth = new Int32Array(maxDepth + 2);
  for (let s = 0; s < S; s++) if (s === 0 || check[s] >= 0) perDepth[depth[s] + 1]++;
  for (let d = 1; d < perDepth.length; d++) perDepth[d] += perDepth[d - 1];
  const nodes = perDepth[maxDepth + 1];
  const M = Math.min(count, nodes);
  const slotOf = new Int32Array(M);
  const idOf = new Int32Array(S).fill(-1);
  const next = perDepth.slice();
  for (let s = 0; s < S; s++) {
    if (!(s === 0 || check[s] >= 0)) continue;
    const k = next[depth[s]]++;
    if (k < M) {
      slotOf[k] = s;
      idOf[s] = k;
    }
  }
  const off = M * K;
  const encode = (t: number) => {
    const e = idOf[t] >= 0 ? idOf[t] * K : t + off;
    return base[t] < 0 ? ~e : e;
  };
  const rows = new Int32Array(M * K);
  for (let x = 0; x < M; x++) {
    const slot = slotOf[x];
    const row = x * K;
    rows[row] = 0;
    rows[row + 1] = row;
    rows[row + 2] = ~row;
    const frow = x === 0 ? -1 : idOf[fail[slot]] * K;
    const b = base[slot] & 0x7fffffff;
    for (let c = 3; c < K; c++) {
      const t = b + c;
      if (t < S && check[t] === slot && (slot !== 0 || t !== 0)) rows[row + c] = encode(t);
      else rows[row + c] = frow < 0 ? 0 : rows[frow + c];
    }
  }
  const failTo = new Int32Array(S);
  for (let s = 0; s < S; s++) {
    const f = fail[s];
    failTo[s] = idOf[f] >= 0 ? idOf[f] * K : f + off;
  }
  return { rows, off, slotOf, failTo };
}

/** The normalised text of the shortest keyword, rebuilt from the automaton (for the warm-up). */
function sampleKeyword(data: MatcherData): string {
  const K = data.classCount;
  const unitOfClass = new Map<number, number>();
  for (let i = 0; i < data.alphabet.length; i++) unitOfClass.set(data.alphabetClass[i], data.alphabet[i]);
  let best = -1;
  for (let s = 1; s < data.stateCount; s++) {
    if (data.exact[s] >= 0 && (data.layout === 'dense' || data.check[s] >= 0) && (best < 0 || data.depth[s] < data.depth[best])) best = s;
  }
  if (best < 0) return '';
  const classes: number[] = [];
  let s = best;
  while (s !== 0 && classes.length < 64) {
    if (data.layout === 'double-array') {
      const parent = data.check[s];
      classes.push(s - (data.base[parent] & 0x7fffffff));
      s = parent;
    } else {
      // Dense: find a state one level up whose row leads here (small tables only).
      let found = -1;
      for (let q = 0; q < data.stateCount && found < 0; q++) {
        if (data.depth[q] !== data.depth[s] - 1) continue;
        for (let c = 3; c < K; c++) {
          const e = data.delta[q * K + c];
          if ((e < 0 ? ~e : e) === s * K) {
            classes.push(c);
            found = q;
            break;
          }
        }
      }
      if (found < 0) return '';
      s = found;
    }
  }
  return String.fromCharCode(...classes.reverse().map((c) => unitOfClass.get(c) ?? 0x20));
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
  const { classMap, delta, base, check, fail, exact, outputLink, patternNext, patternLength, patternFlags, patternGroup } = data;
  const normalizer = unitNormalizer(data.steps);
  const rawClass = new Uint16Array(65536);
  for (let i = 0; i < data.alphabet.length; i++) rawClass[data.alphabet[i]] = data.alphabetClass[i];
  const cap = Math.max(64, options.bufferUnits ?? 8192);
  // A byte-sized class map where the classes fit: half the cache lines.
  const classMapSmall = K <= 256 ? Uint8Array.from(classMap) : classMap;
  const { units, fill } = unitsWriter(cap);
  const hits = new Int32Array(6 * cap);
  const io = new Int32Array(16);
  let target = hits;

  // The double array runs as a hybrid (kernels.ts): the shallowest states get dense rows.
  const hybrid = dense ? null : shallowRows(data, Math.max(1, Math.floor((options.denseBytes ?? 1 << 20) / (4 * K))));
  const off = hybrid ? hybrid.off : 0;
  /** The slot (double array) or state (dense) of a kernel state, for the per-state arrays. */
  const stateIndex = dense ? (s: number) => s / K : (s: number) => (s < off ? hybrid!.slotOf[s / K] : s - off);
  const hasOutput = dense
    ? (s: number) => {
        const x = s / K;
        return exact[x] >= 0 || outputLink[x] >= 0;
      }
    : (s: number) => base[stateIndex(s)] < 0;
  const depthOf = dense ? (s: number) => data.depth[s / K] : (s: number) => data.depth[stateIndex(s)];
  /** The state after class c (a keyword class or 0) from state s. */
  const stepTo = dense
    ? (s: number, c: number) => {
        const e = delta[s + c];
        return e < 0 ? ~e : e;
      }
    : (s: number, c: number) => {
        const { rows, failTo } = hybrid!;
        if (s < off) {
          const e = rows[s + c];
          return e < 0 ? ~e : e;
        }
        if (c < 3) return 0;
        let d = s - off;
        for (;;) {
          const t = (base[d] & 0x7fffffff) + c;
          if (check[t] === d) return t + off;
          const f = failTo[d];
          if (f < off) {
            const e = rows[f + c];
            return e < 0 ? ~e : e;
          }
          d = f - off;
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
      io[9] = 1;
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
        // Both units of the pair map to the whole pair; a hit that ends after the first one is
        // recorded there, and reported with the pair's end.
        s = stepTo(s, rawClass[u]);
        if (hasOutput(s)) {
          target[h] = s;
          target[h + 1] = pos + 1;
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
    io[9] = 1;
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

  /**
   * The code unit where a fast-path hit of `len` normalised units that ends at `end` starts. On
   * the fast path each normalised unit comes from its own code unit, in order, so these unit
   * positions stand in for normalised positions.
   */
  const startOf = (text: string, end: number, len: number): number => {
    let pos = end;
    let remaining = len;
    while (remaining > 0) {
      const u = text.charCodeAt(pos - 1);
      if (isLow(u) && pos >= 2 && isHigh(text.charCodeAt(pos - 2))) {
        const cp = ((text.charCodeAt(pos - 2) - 0xd800) << 10) + (u - 0xdc00) + 0x10000;
        if (normalizer.pairKind(cp) === PairKind.Identity) {
          // The match may start at the pair's second unit.
          if (remaining === 1) return pos - 1;
          remaining -= 2;
        }
        pos -= 2;
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

  // Whether any code unit normalises to nothing: then a hit's start needs a walk back.
  let hasSkip = false;
  for (let u = 0; u < 65536 && !hasSkip; u++) if (classMap[u] === CLASS_SKIP) hasSkip = true;
  let hasExceptions = false;
  for (let p = 0; p < data.patternCount; p++) if (patternFlags[p] & FLAG_EXCEPTION) hasExceptions = true;

  /**
   * Reports (or, with exception phrases, collects) the patterns of raw hits (state, end) in
   * buf[from..to) whose end is past `minEnd`. `direct`: every unit of the text stood for one
   * normalised unit, so a hit of length L ending at e starts at e - L.
   */
  const emit = (text: string, buf: Int32Array, from: number, to: number, minEnd: number, direct: boolean, onHit: OnHit): number => {
    let count = 0;
    for (let k = from; k < to; k += 2) {
      let end = buf[k + 1];
      if (end <= minEnd) continue;
      let st = stateIndex(buf[k]);
      // A hit that ends after the first unit of a surrogate pair ends with the pair.
      const rawEnd = end;
      if (!direct && end < text.length && isLow(text.charCodeAt(end)) && isHigh(text.charCodeAt(end - 1))) end++;
      while (st !== -1) {
        for (let p = exact[st]; p !== -1; p = patternNext[p]) {
          let start = direct ? end - patternLength[p] : startOf(text, rawEnd, patternLength[p]);
          const rawStart = start;
          // One that starts at the second unit of a pair starts with the pair.
          if (!direct && start > 0 && isLow(text.charCodeAt(start)) && isHigh(text.charCodeAt(start - 1))) start--;
          const flags = patternFlags[p];
          if (hasExceptions) pushCand(p, start, end, rawStart, rawEnd);
          else if (!(flags & FLAG_WHOLE_WORD) || isWholeWord(text, start, end, (flags & FLAG_OPEN_START) !== 0, (flags & FLAG_OPEN_END) !== 0)) {
            onHit(p, start, end);
            count++;
          }
        }
        st = outputLink[st];
      }
    }
    return count;
  };

  /** Filters collected candidates (whole words, exception phrases) and reports them in order. */
  const report = (text: string, onHit: OnHit): number => {
    if (candCount === 0) return 0;
    const n = candCount;
    // Copied out first: `onHit` may scan again with this matcher.
    const c = cand.slice(0, n * 5);
    candCount = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const o = i * 5;
      const p = c[o];
      const flags = patternFlags[p];
      if (flags & FLAG_EXCEPTION) continue;
      if (flags & FLAG_WHOLE_WORD && !isWholeWord(text, c[o + 1], c[o + 2], (flags & FLAG_OPEN_START) !== 0, (flags & FLAG_OPEN_END) !== 0)) continue;
      let inside = false;
      const g = patternGroup[p];
      for (let x = 0; x < n && !inside; x++) {
        const ox = x * 5;
        const q = c[ox];
        if (!(patternFlags[q] & FLAG_EXCEPTION) || patternGroup[q] !== g) continue;
        // In normalised positions (on the fast path, code unit positions stand in for them).
        inside = c[ox + 3] <= c[o + 3] && c[o + 4] <= c[ox + 4];
      }
      if (inside) continue;
      onHit(p, c[o + 1], c[o + 2]);
      count++;
    }
    return count;
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
    return report(text, onHit);
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
      const count = emit(text, buf, 0, h, -1, false, onHit);
      return hasExceptions ? report(text, onHit) : count;
    } finally {
      target = hits;
    }
  };

  /** Hits found by the kernel (io[0], io[2..4]): reported, or collected when there are exceptions. */
  const finish = (text: string, onHit: OnHit): number => {
    const joint = io[0];
    const ha = io[2];
    const hb = io[3];
    const hr = io[4];
    const direct = !hasSkip && io[9] === 0;
    candCount = 0;
    io[11] = 1;
    try {
      let count = emit(text, hits, 0, ha, -1, direct, onHit);
      count += emit(text, hits, cap * 4, hr, -1, direct, onHit);
      count += emit(text, hits, cap * 2, hb, joint, direct, onHit);
      return hasExceptions ? report(text, onHit) : count;
    } finally {
      io[11] = 0;
    }
  };
  const slow = (text: string, onHit: OnHit): number => {
    io[12] = 2;
    io[11] = 1;
    try {
      return scanSlow(text, onHit);
    } finally {
      io[11] = 0;
    }
  };
  const long = (text: string, onHit: OnHit): number => {
    io[12] = 1;
    io[11] = 1;
    let count: number;
    try {
      count = scanLong(text, onHit);
    } finally {
      io[11] = 0;
    }
    return count >= 0 ? count : slow(text, onHit);
  };
  // A scan started from inside `onHit` gets a matcher of its own: the buffers here are in use.
  let inner: Matcher | null = null;
  const nested = (text: string, onHit: OnHit): number => (inner ??= createMatcher(data, { ...options, specialize: false })).scan(text, onHit);

  /** One hit whose start needs a walk back, or a whole-word check: reports it (1) or not (0). */
  const emitOne = (text: string, p: number, rawEnd: number, direct: boolean, onHit: OnHit): number => {
    let end = rawEnd;
    if (!direct && end < text.length && isLow(text.charCodeAt(end)) && isHigh(text.charCodeAt(end - 1))) end++;
    let start = direct ? end - patternLength[p] : startOf(text, rawEnd, patternLength[p]);
    if (!direct && start > 0 && isLow(text.charCodeAt(start)) && isHigh(text.charCodeAt(start - 1))) start--;
    const flags = patternFlags[p];
    if (flags & FLAG_WHOLE_WORD && !isWholeWord(text, start, end, (flags & FLAG_OPEN_START) !== 0, (flags & FLAG_OPEN_END) !== 0)) return 0;
    onHit(p, start, end);
    return 1;
  };
  // Without exception phrases and units that normalise to nothing, the kernel reports hits itself.
  const simple = !hasExceptions && !hasSkip;
  const emitArgs = [exact, outputLink, patternNext, patternLength, patternFlags, hybrid ? hybrid.slotOf : new Int32Array(0), simple, emitOne] as const;
  const enabled = options.specialize ?? true;
  const edges = dense || !(options.edgeFilter ?? K >= EDGE_FILTER_CLASSES) ? { bits: new Int32Array(0), shift: 0 } : edgeFilter(base, check);
  const scan: (text: string, onHit: OnHit) => number = dense
    ? specialize(denseKernel, [delta, data.depth, K, classMapSmall, units, fill, hits, io, attention, finish, slow, long, nested, ...emitArgs, cap, MIN_SPLIT], enabled)
    : specialize(
        hybridKernel,
        [hybrid!.rows, off, K, base, check, hybrid!.failTo, depthOf, edges.bits, edges.shift, edges.bits.length > 0, classMapSmall, units, fill, hits, io, attention, finish, slow, long, nested, ...emitArgs, cap, MIN_SPLIT],
        enabled,
      );
  const PATHS = ['fast', 'long', 'slow'] as const;

  // Warm-up: a few texts with hits in both chains and in the rerun, so that the kernel has type
  // feedback for its rare branches before V8 optimises it (else it deoptimises on the first hit
  // of each kind, and may stay slow).
  const sampleText = sampleKeyword(data);
  if (sampleText !== '') {
    const pad = ' '.repeat(MIN_SPLIT);
    const texts = [sampleText + pad + sampleText, pad + sampleText + sampleText + pad, sampleText.repeat(MIN_SPLIT), pad + pad];
    const none = () => {};
    for (let r = 0; r < 3; r++) for (const t of texts) scan(t, none);
  }

  return {
    data,
    scan,
    findAll(text: string): Hit[] {
      const out: Hit[] = [];
      scan(text, (pattern, start, end) => out.push({ pattern, start, end }));
      return out.sort((a, b) => a.start - b.start || b.end - a.end || a.pattern - b.pattern);
    },
    get lastPath() {
      return PATHS[io[12]];
    },
  };
}
