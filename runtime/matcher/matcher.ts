// Scans texts with a compiled keyword set (matcher-data.ts) and reports every keyword hit with its
// span in the original text: the same hits as the reference interpreter's keyword trigger
// (runtime/policy/interpreter.ts) finds with `indexOf` on normalised text.
//
// Fast path: the layout's kernel (kernels.ts) runs over the text's code units, with normalisation
// folded into the character-to-class map; raw hits (state or node, end) become patterns and
// starts (walking back over units that normalise to nothing), and are filtered (whole words,
// exception phrases). A text whose units do not map one to one or to nothing (an NFKC expansion,
// a combining mark that changes its unit) takes the slow path: it is normalised with an offset
// map and its hits are found by walking the trie from every position. A text longer than the
// kernel's buffer is walked the same way, over the units the fast path would feed.
import { isWholeWord } from '../text/text-semantics.ts';
import { createFeeder, loneHighSurrogateSkipped } from './feed.ts';
import { denseDirectKernel, denseKernel, hybridKernel, pairsKernel, type Attention } from './kernels.ts';
import { layoutView } from './layout-view.ts';
import { CLASS_ATTENTION, CLASS_SKIP, FLAG_EXCEPTION, FLAG_OPEN_END, FLAG_OPEN_START, FLAG_WHOLE_WORD, MATCHER_FORMAT, type MatcherData } from './matcher-data.ts';
import { codePointLength, isMarkAt, markFreeHighSurrogates, normalizeText, PairKind, UnitKind, unitNormalizer, unitTable } from './normalize.ts';
import { isHighSurrogate as isHigh, isLowSurrogate as isLow, pairCodePoint } from '../text/utf16.ts';
import { warmUpTexts } from './warm-up.ts';

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
   * Calls `onHit` for every hit (in no particular order); exception phrases are never reported.
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
  /** Longest text, in UTF-16 units, that takes the buffered fast path (default 8,192). */
  bufferUnits?: number;
  /**
   * `dense` layout: Latin texts shorter than this are read in place (`charCodeAt`, one chain)
   * instead of being copied into the buffer first (default 256; 0 copies every text). README.md,
   * "How it is fast", says why.
   */
  directUnits?: number;
}

/**
 * Texts shorter than this skip the dense kernel's copy: the copy is a call into the runtime that
 * costs about 70 ns whatever the length. Since the copying kernel's walk makes no call, it is the
 * faster from about 50 units on (English, separate processes, A/B: 1.17-1.25x the floor against
 * 1.33-1.47x in place on messages of 20-200 units; 1.6x against 1.45x on messages of 40 units
 * or less; about even at 60).
 */
const DIRECT_UNITS = 48;

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

/** A Uint16Array for the dense kernel's copy of the text, and the function that fills it. */
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

/** Creates a matcher from its data. */
export function createMatcher(data: MatcherData, options: MatcherOptions = {}): Matcher {
  if (data.format !== MATCHER_FORMAT) {
    throw new Error(`keyword matcher data of format ${String(data.format)}: this runtime reads format ${MATCHER_FORMAT} (compile the policy again)`);
  }
  const K = data.classCount;
  const { classMap, outList, patternLength, patternFlags, patternGroup, depth } = data;
  const view = layoutView(data);
  const normalizer = unitNormalizer(data.steps);
  const rawClass = new Uint16Array(65536);
  for (let i = 0; i < data.alphabet.length; i++) rawClass[data.alphabet[i]] = data.alphabetClass[i];
  const feeder = createFeeder(data.steps, rawClass);
  const loneHighSkipped = loneHighSurrogateSkipped(data.steps);
  const fed = new Int32Array(3);
  // Whether a surrogate pair fed as its own two units (the feeder's only way to feed 2) keeps
  // the spans exact: it does unless a keyword holds a lone surrogate (matcher-data.ts).
  const pairsExact = data.loneSurrogates === false;
  const cap = Math.max(64, options.bufferUnits ?? 8192);
  // The kernels' class map: the data's, except that without normalisation steps two kinds of
  // attention unit are class 0, so that the hot loop takes them like any character, without a
  // branch (emoji, astral ideographs, VS16 and keycaps in chat text). Everything off the hot loop
  // reads the data's map and attends to them as before.
  // - A high surrogate that no keyword holds, none of whose pairs is a combining mark: the
  //   attention path would feed its pair (feed.ts) as the high half's class, 0, which goes back
  //   to the root, then the low half's own class, which is what the hot loop does with the low
  //   half next. When no keyword starts with a low surrogate, no hit starts inside such a pair.
  //   A keyword holding astral ideographs keeps its own high surrogates in the attention class.
  // - A combining mark (BMP) that no keyword holds: the attention path would feed it as one unit
  //   of class 0. A hit that ends right before one ends after it (the reference maps a base to
  //   its whole unit), so a scan with such a hit reports its hits the careful way
  //   (`markAfterHit`).
  const kernelClassMap = Uint16Array.from(classMap);
  const table = unitTable(data.steps);
  const marksInLoop = normalizer.steps.length === 0;
  if (marksInLoop) {
    const lowSurrogateStartsKeyword = data.alphabet.some((u, i) => isLow(u) && view.child(0, data.alphabetClass[i]) >= 0);
    if (!lowSurrogateStartsKeyword) {
      const free = markFreeHighSurrogates();
      for (let h = 0; h < 1024; h++) if (free[h] && rawClass[0xd800 + h] === 0 && kernelClassMap[0xd800 + h] === CLASS_ATTENTION) kernelClassMap[0xd800 + h] = 0;
    }
    for (let u = 0; u < 65536; u++) if (table.kind[u] === UnitKind.Mark && rawClass[u] === 0 && kernelClassMap[u] === CLASS_ATTENTION) kernelClassMap[u] = 0;
  }
  // A byte-sized class map where the classes fit: half the cache lines.
  const classMapSmall = K <= 256 ? Uint8Array.from(kernelClassMap) : kernelClassMap;
  const hits = new Int32Array(6 * cap);
  const io = new Int32Array(16);

  /**
   * The attention handler of the automaton kernels: steps the state over what the unit at `pos`
   * feeds, recording hits in `hits` from `h`.
   */
  const attention: Attention = (text, pos, s, h) => {
    const k = feeder.feed(text, pos, fed);
    if (k < 0) return -1;
    if (k !== 2 || !pairsExact) io[9] = 1;
    for (let i = 0; i < k; i++) {
      s = view.step(s, fed[i]);
      if (view.head(s) >= 0) {
        hits[h] = s;
        hits[h + 1] = pos + i + 1;
        h += 2;
      }
    }
    io[5] = s;
    io[6] = fed[2];
    io[7] = h;
    io[8] = k;
    return 0;
  };

  // The pairs layout: walks (kernels.ts), continued here past an attention unit.
  const { rootChild, out } = data;
  const walkLimit = 2 * cap;
  /** Continues a walk at node v (outputs recorded) from unit j: the new hit index, -1 (slow path) or -2 (too many hits). */
  const walkOn = (text: string, v: number, j: number, h: number): number => {
    const n = text.length;
    for (;;) {
      if (j >= n) return h;
      const c = classMap[text.charCodeAt(j)];
      if (c === CLASS_SKIP) {
        j++;
        continue;
      }
      let k = 1;
      if (c === CLASS_ATTENTION) {
        k = feeder.feed(text, j, fed);
        if (k < 0) return -1;
        if (k !== 2 || !pairsExact) io[9] = 1;
      } else fed[0] = c;
      for (let i = 0; i < k; i++) {
        v = fed[i] < 3 ? -1 : view.child(v, fed[i]);
        if (v < 0) return h;
        if (out[v] >= 0) {
          if (h >= walkLimit) return -2;
          hits[h] = v;
          hits[h + 1] = j + i + 1;
          h += 2;
        }
      }
      j = c === CLASS_ATTENTION ? fed[2] : j + 1;
    }
  };
  /** The pairs kernel's attention handler: x is the last class; returns the new hit index (or -1, -2). */
  const pairAttention: Attention = (text, pos, x, h) => {
    const k = feeder.feed(text, pos, fed);
    if (k < 0) return -1;
    if (k !== 2 || !pairsExact) io[9] = 1;
    const z0 = fed[0];
    const z1 = fed[1];
    const next = fed[2];
    for (let i = 0; i < k; i++) {
      const z = i === 0 ? z0 : z1;
      const end = pos + i + 1;
      if (z >= 3) {
        const r = rootChild[z];
        if (r >= 0 && out[r] >= 0) {
          if (h >= walkLimit) return -2;
          hits[h] = r;
          hits[h + 1] = end;
          h += 2;
        }
        const a = x >= 3 ? rootChild[x] : -1;
        const v = a < 0 ? -1 : view.child(a, z);
        if (v >= 0) {
          if (out[v] >= 0) {
            if (h >= walkLimit) return -2;
            hits[h] = v;
            hits[h + 1] = end;
            h += 2;
          }
          h = walkOn(text, v, end, h);
          if (h < 0) return h;
        }
      }
      x = z;
    }
    io[5] = x;
    io[6] = next;
    return h;
  };

  // Hits being assembled: pattern, start, end, normalised start and end (unit positions stand
  // in for normalised ones on the fast path: they are in the same order).
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
   * the fast path each normalised unit comes from its own code unit, in order.
   */
  const startOf = (text: string, end: number, len: number): number => {
    let pos = end;
    let remaining = len;
    while (remaining > 0) {
      const u = text.charCodeAt(pos - 1);
      if (isLow(u) && pos >= 2 && isHigh(text.charCodeAt(pos - 2))) {
        const cp = pairCodePoint(text.charCodeAt(pos - 2), u);
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
      // Of the attention class, only lone high surrogates stand for a unit on the fast path, and
      // only when the steps keep them (marks there are ones that normalise to nothing).
      // A mark counts where it was fed with its own class (a keyword holds it: feed.ts).
      if (c === CLASS_ATTENTION && (!isHigh(u) || loneHighSkipped)) {
        if (feeder.markUnits(text, pos) === 0) continue;
      }
      remaining -= 1;
    }
    return pos;
  };

  /**
   * The end of a hit that ends at `end` off the direct path: after the rest of its unit, as the
   * reference maps every normalised unit to its whole unit (the second half of a surrogate pair,
   * combining marks that fed nothing or class 0: feed.ts).
   */
  const unitEndAt = (text: string, end: number): number => {
    const n = text.length;
    if (end < n && isLow(text.charCodeAt(end)) && isHigh(text.charCodeAt(end - 1))) end++;
    while (end < n && classMap[text.charCodeAt(end)] === CLASS_ATTENTION && isMarkAt(text, end, table)) end += codePointLength(text, end);
    return end;
  };

  /**
   * The start of a hit that starts at `start` off the direct path: at the start of its unit, as
   * the reference maps every normalised unit to its whole unit (the first half of a surrogate
   * pair; the base of a combining mark that a keyword holds).
   */
  const unitStartAt = (text: string, start: number): number => {
    if (start > 0 && isLow(text.charCodeAt(start)) && isHigh(text.charCodeAt(start - 1))) return start - 1;
    while (start > 0 && classMap[text.charCodeAt(start)] === CLASS_ATTENTION && isMarkAt(text, start, table)) {
      start -= isLow(text.charCodeAt(start - 1)) && start >= 2 && isHigh(text.charCodeAt(start - 2)) ? 2 : 1;
    }
    return start;
  };

  // Whether any code unit normalises to nothing: then a hit's start needs a walk back.
  let hasSkip = false;
  for (let u = 0; u < 65536 && !hasSkip; u++) if (classMap[u] === CLASS_SKIP) hasSkip = true;
  let hasExceptions = false;
  for (let p = 0; p < data.patternCount; p++) if (patternFlags[p] & FLAG_EXCEPTION) hasExceptions = true;

  /**
   * Reports (or, with exception phrases, collects) the patterns of raw hits (state, end) in
   * hits[from..to) whose end is past `minEnd`. `direct`: every unit of the text stood for one
   * normalised unit, so a hit of length L ending at e starts at e - L.
   */
  const emit = (text: string, from: number, to: number, minEnd: number, direct: boolean, onHit: OnHit): number => {
    let count = 0;
    for (let k = from; k < to; k += 2) {
      const rawEnd = hits[k + 1];
      if (rawEnd <= minEnd) continue;
      const head = view.head(hits[k]);
      if (head < 0) continue;
      // A hit that ends after the first unit of a surrogate pair ends with the pair, one that
      // ends on a base ends after its marks.
      const end = direct ? rawEnd : unitEndAt(text, rawEnd);
      let o = head;
      while (o >= 0) {
        const p = outList[o];
        if (p < 0) {
          // The end of the run (-1), or a jump to the run of a shorter suffix.
          o = -2 - p;
          continue;
        }
        const len = Math.abs(outList[o + 1]);
        o += 2;
        let start = direct ? end - len : startOf(text, rawEnd, len);
        const rawStart = start;
        // One that starts at the second unit of a pair starts with the pair, one at a mark with its base.
        if (!direct) start = unitStartAt(text, start);
        const flags = patternFlags[p];
        if (hasExceptions) pushCand(p, start, end, rawStart, rawEnd);
        else if (!(flags & FLAG_WHOLE_WORD) || isWholeWord(text, start, end, (flags & FLAG_OPEN_START) !== 0, (flags & FLAG_OPEN_END) !== 0)) {
          onHit(p, start, end);
          count++;
        }
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
        inside = c[ox + 3] <= c[o + 3] && c[o + 4] <= c[ox + 4];
      }
      if (inside) continue;
      onHit(p, c[o + 1], c[o + 2]);
      count++;
    }
    return count;
  };

  /**
   * Every occurrence of a keyword in a sequence of classes: a walk down the trie from each
   * position, calling `found(pattern, first, last)` with the positions of its first and last class.
   */
  const walkAll = (cls: Int32Array, n: number, found: (p: number, a: number, b: number) => void) => {
    for (let a = 0; a < n; a++) {
      let v = 0;
      for (let b = a; b < n; b++) {
        const c = cls[b];
        if (c < 3) break;
        v = view.child(v, c);
        if (v < 0) break;
        const head = view.nodeHead(v);
        if (head < 0) continue;
        // Own patterns only: those as long as the node is deep, at the start of its run (a node
        // without patterns of its own shares the run of a shorter suffix).
        const d = b - a + 1;
        for (let o = head; outList[o] >= 0 && Math.abs(outList[o + 1]) === d; o += 2) found(outList[o], a, b);
      }
    }
  };

  /** The slow path: normalise with an offset map, walk the normalised text. */
  const scanSlow = (text: string, onHit: OnHit): number => {
    const nt = normalizeText(text, data.steps);
    const t = nt.text;
    const cls = new Int32Array(t.length);
    for (let k = 0; k < t.length; k++) cls[k] = rawClass[t.charCodeAt(k)];
    candCount = 0;
    const seen = new Set<string>();
    // The interpreter keeps the first occurrence of a span, in order of normalised start: two
    // normalised positions can map to one original span (`ⅲ` is `iii`).
    walkAll(cls, t.length, (p, a, b) => {
      const start = nt.starts[a];
      const end = nt.ends[b];
      const key = `${p}:${start}:${end}`;
      if (seen.has(key)) return;
      seen.add(key);
      pushCand(p, start, end, a, b + 1);
    });
    return report(text, onHit);
  };

  /** A text longer than the buffer: the units the fast path would feed, walked. -1: slow path. */
  const scanLong = (text: string, onHit: OnHit): number => {
    const n = text.length;
    const cls = new Int32Array(n);
    const at = new Int32Array(n);
    let m = 0;
    for (let pos = 0; pos < n; ) {
      const c = classMap[text.charCodeAt(pos)];
      if (c === CLASS_SKIP) {
        pos++;
        continue;
      }
      if (c === CLASS_ATTENTION) {
        const k = feeder.feed(text, pos, fed);
        if (k < 0) return -1;
        for (let i = 0; i < k; i++) {
          cls[m] = fed[i];
          at[m++] = pos + i;
        }
        pos = fed[2];
        continue;
      }
      cls[m] = c;
      at[m++] = pos++;
    }
    candCount = 0;
    let count = 0;
    walkAll(cls, m, (p, a, b) => {
      let start = at[a];
      // A hit that starts at the second unit or ends after the first unit of a pair covers the
      // pair; one that ends on a base covers its marks.
      const end = unitEndAt(text, at[b] + 1);
      start = unitStartAt(text, start);
      if (hasExceptions) {
        pushCand(p, start, end, a, b + 1);
        return;
      }
      const flags = patternFlags[p];
      if (flags & FLAG_WHOLE_WORD && !isWholeWord(text, start, end, (flags & FLAG_OPEN_START) !== 0, (flags & FLAG_OPEN_END) !== 0)) return;
      onHit(p, start, end);
      count++;
    });
    return hasExceptions ? report(text, onHit) : count;
  };

  /**
   * Whether a raw hit the kernel found (hits[0..io[2]), [2·cap..io[3]), [4·cap..io[4])) ends
   * right before a combining mark that the kernels read as class 0 (`kernelClassMap`): the hit
   * ends after the mark, which only the careful report finds (`unitEndAt`).
   */
  const markAfterHit = (text: string): boolean => {
    if (!marksInLoop) return false;
    const n = text.length;
    for (let r = 0; r < 3; r++) {
      const to = io[2 + r];
      for (let k = r * 2 * cap; k < to; k += 2) {
        const end = hits[k + 1];
        if (end < n && table.kind[text.charCodeAt(end)] === UnitKind.Mark) return true;
      }
    }
    return false;
  };

  /** Hits found by the kernel (io[0], io[2..4]): reported, or collected when there are exceptions. */
  const finish = (text: string, onHit: OnHit): number => {
    const joint = io[0];
    const ha = io[2];
    const hb = io[3];
    const hr = io[4];
    const direct = !hasSkip && io[9] === 0 && !markAfterHit(text);
    candCount = 0;
    io[11] = 1;
    try {
      let count = emit(text, 0, ha, -1, direct, onHit);
      count += emit(text, cap * 4, hr, -1, direct, onHit);
      count += emit(text, cap * 2, hb, joint, direct, onHit);
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
    const end = direct ? rawEnd : unitEndAt(text, rawEnd);
    let start = direct ? end - patternLength[p] : startOf(text, rawEnd, patternLength[p]);
    if (!direct) start = unitStartAt(text, start);
    const flags = patternFlags[p];
    if (flags & FLAG_WHOLE_WORD && !isWholeWord(text, start, end, (flags & FLAG_OPEN_START) !== 0, (flags & FLAG_OPEN_END) !== 0)) return 0;
    onHit(p, start, end);
    return 1;
  };
  // Without exception phrases and units that normalise to nothing, the kernel reports hits itself.
  const simple = !hasExceptions && !hasSkip;
  const enabled = options.specialize ?? true;
  const common = [classMapSmall, hits, io] as const;
  const paths = [finish, slow, long, nested, outList, simple, emitOne, cap] as const;
  // Warm-up: every path of a kernel, so that V8 has feedback for all of them before it
  // optimises it (warm-up.ts).
  const none = () => {};
  const texts = warmUpTexts(data, view, cap);
  const warmUp = (kernel: (text: string, onHit: OnHit) => number) => {
    for (let r = 0; r < 3; r++) for (const t of texts) if (r === 0 || t.length <= cap) kernel(t, none);
  };
  let scan: (text: string, onHit: OnHit) => number;
  if (data.layout === 'dense') {
    const { units, fill } = unitsWriter(cap);
    const copied = specialize(
      denseKernel,
      [data.delta, depth, K, classMapSmall, units, fill, hits, io, attention, ...paths.slice(0, 4), data.out, outList, simple, emitOne, cap, MIN_SPLIT, rawClass, normalizer.pairKinds, markAfterHit, pairsExact ? 0 : 1] as Parameters<typeof denseKernel>,
      enabled,
    );
    const directUnits = Math.min(options.directUnits ?? DIRECT_UNITS, cap + 1);
    if (directUnits > 0) {
      warmUp(copied);
      scan = specialize(
        denseDirectKernel,
        [data.delta, classMapSmall, hits, io, attention, copied, slow, nested, finish, cap, directUnits, rawClass, normalizer.pairKinds, pairsExact ? 0 : 1] as Parameters<typeof denseDirectKernel>,
        enabled,
      );
    } else scan = copied;
  } else if (data.layout === 'hybrid') {
    const W = K + 1;
    const M = data.denseCount;
    scan = specialize(
      hybridKernel,
      [data.rows, data.records, data.recordOut, view.rare, depth, M * W, M, W, K, ...common, attention, ...paths, MIN_SPLIT, rawClass, normalizer.pairKinds, markAfterHit, pairsExact ? 0 : 1] as Parameters<typeof hybridKernel>,
      enabled,
    );
  } else {
    scan = specialize(
      pairsKernel,
      [data.pairBits, data.pairShift, data.rootChild, data.first, data.label, data.out, walkOn, K, ...common, pairAttention, ...paths, rawClass, normalizer.pairKinds, markAfterHit] as Parameters<typeof pairsKernel>,
      enabled,
    );
  }
  const PATHS = ['fast', 'long', 'slow'] as const;
  warmUp(scan);

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
