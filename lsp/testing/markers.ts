// Test helper: positions written into test text as markers instead of numbers. `<|>` marks a
// cursor; `[[` and `]]` mark a range. The markers are removed, and each is returned as an LSP
// position computed here, independently of the server: the line is the number of `\n` before
// the offset, the character its distance in UTF-16 code units (JavaScript string indices) from
// the line's start. Also: applying LSP text edits to a text, with the same arithmetic.

export interface Pos {
  line: number;
  character: number;
}

export interface LspRange {
  start: Pos;
  end: Pos;
}

export function positionOf(text: string, offset: number): Pos {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

export function offsetOf(text: string, p: Pos): number {
  let o = 0;
  for (let l = 0; l < p.line; l++) {
    const i = text.indexOf('\n', o);
    if (i === -1) return text.length;
    o = i + 1;
  }
  return Math.min(o + p.character, text.length);
}

export interface Marked {
  text: string;
  /** Every `<|>`, in order. */
  cursors: Pos[];
  /** Every `[[…]]`, in order. */
  ranges: LspRange[];
}

export function marked(source: string): Marked {
  let text = '';
  const cursorOffsets: number[] = [];
  const open: number[] = [];
  const rangeOffsets: [number, number][] = [];
  for (let i = 0; i < source.length; ) {
    if (source.startsWith('<|>', i)) {
      cursorOffsets.push(text.length);
      i += 3;
    } else if (source.startsWith('[[', i)) {
      open.push(text.length);
      i += 2;
    } else if (source.startsWith(']]', i)) {
      rangeOffsets.push([open.pop()!, text.length]);
      i += 2;
    } else text += source[i++];
  }
  rangeOffsets.sort((a, b) => a[0] - b[0]);
  return {
    text,
    cursors: cursorOffsets.map((o) => positionOf(text, o)),
    ranges: rangeOffsets.map(([s, e]) => ({ start: positionOf(text, s), end: positionOf(text, e) })),
  };
}

export interface TextEditLike {
  range: LspRange;
  newText: string;
}

/** Applies edits (non-overlapping, any order) to a text. */
export function applyEdits(text: string, edits: TextEditLike[]): string {
  const spans = edits
    .map((e) => ({ start: offsetOf(text, e.range.start), end: offsetOf(text, e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.newText + out.slice(s.end);
  return out;
}
