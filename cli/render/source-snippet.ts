// Draws the source lines a range covers, with a line-number gutter and carets under the range:
//
//      |
//   12 |   keywords "加微信", "代购"
//      |            ^^^^^^^^
//
// Columns are UTF-16 code units (as in every Hush position); the carets are placed by display
// width, so they line up under tabs (expanded to the next multiple of four), wide characters
// (two columns) and combining marks (none). Control and bidirectional-override characters are
// shown as U+FFFD so a source line can neither move the cursor nor reorder the text around it,
// and the `[` of `##[` as `\[` (a GitHub workflow command anywhere in a CI log line).
// A range over several lines shows its first and last line; a zero-width range gets one caret.
// Very long lines (a minified 10 MB file) are cut to a window around the range.
import type { Range } from '../../language/diagnostic.ts';
import { codePointWidth } from './display-width.ts';

export const TAB_WIDTH = 4;
/** The widest source text shown on one line, in terminal columns. */
export const MAX_LINE_WIDTH = 120;
/** How many columns of context stay visible before the range when a long line is cut. */
const LEFT_CONTEXT = 24;

/** Reads one 1-based line of the file without its line ending; undefined past the end. */
export type LineSource = { lineCount: number; lineText(line: number): string };

export interface SnippetPaint {
  gutter(s: string): string;
  marker(s: string): string;
}

const plain: SnippetPaint = { gutter: (s) => s, marker: (s) => s };

/** One shown character: its text on screen, the display column it starts at, its width. */
interface Cell {
  text: string;
  start: number;
  width: number;
}

interface DisplayLine {
  cells: Cell[];
  /** The display column at each UTF-16 index 0..length (inside a surrogate pair: its start). */
  columnAt: number[];
  width: number;
}

const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufff9-\ufffb]/;

function toDisplay(line: string): DisplayLine {
  const cells: Cell[] = [];
  const columnAt: number[] = new Array(line.length + 1);
  let d = 0;
  let i = 0;
  for (const ch of line) {
    columnAt[i] = d;
    if (ch.length === 2) columnAt[i + 1] = d;
    let text = ch;
    let width: number;
    if (ch === '\t') {
      width = TAB_WIDTH - (d % TAB_WIDTH);
      text = ' '.repeat(width);
    } else if (UNSAFE.test(ch)) {
      text = '\ufffd';
      width = 1;
    } else if (ch === '[' && i >= 2 && line[i - 1] === '#' && line[i - 2] === '#') {
      // `##[` anywhere in a CI log line is a GitHub workflow command: shown as `##\[`, two columns.
      text = '\\[';
      width = 2;
    } else {
      width = codePointWidth(ch.codePointAt(0)!);
      if (ch === '\ufeff') text = '';
    }
    cells.push({ text, start: d, width });
    d += width;
    i += ch.length;
  }
  columnAt[line.length] = d;
  return { cells, columnAt, width: d };
}

/**
 * The display of the line drawn last: diagnostics come sorted by position, so many in a row
 * point into one line, and a long line (thousands of keywords on one line) is measured once, not
 * once per diagnostic.
 */
let lastLine: { source: LineSource; lineNo: number; line: string; shown: DisplayLine } | undefined;

/** The line and its display; keyed by source and number (comparing the texts would cost their length). */
function displayOf(source: LineSource, lineNo: number): { line: string; shown: DisplayLine } {
  if (lastLine?.source !== source || lastLine.lineNo !== lineNo) {
    const line = source.lineText(lineNo);
    lastLine = { source, lineNo, line, shown: toDisplay(line) };
  }
  return lastLine;
}

/** The index of the first cell starting at or after display column `col` (cells are sorted). */
function firstCellAt(cells: readonly Cell[], col: number): number {
  let lo = 0;
  let hi = cells.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cells[mid].start < col) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One source line with its underline, both as plain strings (no gutter). */
function underlineLine(source: LineSource, lineNo: number, from: number, to: number): { text: string; pad: number; carets: number } {
  const { line, shown } = displayOf(source, lineNo);
  const clamp = (c: number) => Math.max(0, Math.min(c - 1, line.length));
  const a = shown.columnAt[clamp(from)];
  let b = shown.columnAt[clamp(Math.max(from, to))];
  if (b <= a) b = a + 1; // A zero-width range (or one over invisible characters) gets one caret.

  let cells = shown.cells;
  let shift = 0;
  let prefix = '';
  let suffix = '';
  if (shown.width > MAX_LINE_WIDTH) {
    const winStart = Math.max(0, Math.min(a - LEFT_CONTEXT, shown.width - MAX_LINE_WIDTH));
    const winEnd = winStart + MAX_LINE_WIDTH;
    // The window's cells by binary search: a cut line costs its window, not its length.
    const lo = firstCellAt(shown.cells, winStart);
    let hi = firstCellAt(shown.cells, winEnd);
    while (hi > lo && shown.cells[hi - 1].start + shown.cells[hi - 1].width > winEnd) hi--;
    cells = shown.cells.slice(lo, hi);
    const first = cells.length > 0 ? cells[0].start : winStart;
    const last = cells.length > 0 ? cells[cells.length - 1].start + cells[cells.length - 1].width : winStart;
    if (first > 0) prefix = '...';
    if (last < shown.width) suffix = '...';
    shift = prefix.length - first;
    b = Math.min(b, last);
  }
  const text = prefix + cells.map((c) => c.text).join('') + suffix;
  const start = Math.max(0, a + shift);
  const end = Math.max(start + 1, b + shift);
  return { text, pad: start, carets: end - start };
}

function firstNonBlankColumn(line: string): number {
  const m = /\S/.exec(line);
  return m ? m.index + 1 : 1;
}

/**
 * The snippet lines for a range, without a trailing newline; empty when the range's first line
 * is not in the file (a list file that changed since, a missing file). `gutterWidth` is the
 * width of the largest line number shown, so that callers can align their own lines with it.
 */
export function renderSnippet(
  source: LineSource,
  range: Range,
  paint: SnippetPaint = plain,
): { lines: string[]; gutterWidth: number } {
  const startLine = range.start.line;
  if (startLine < 1 || startLine > source.lineCount) return { lines: [], gutterWidth: 0 };
  let endLine = Math.max(startLine, Math.min(range.end.line, source.lineCount));
  let endColumn = range.end.line > source.lineCount ? source.lineText(endLine).length + 1 : range.end.column;
  if (range.end.line < startLine || (range.end.line === startLine && endColumn < range.start.column)) {
    endColumn = range.start.column;
  }
  // A range that ends at the start of a line really ends at the end of the line before.
  if (endLine > startLine && endColumn <= 1) {
    endLine--;
    endColumn = source.lineText(endLine).length + 1;
  }

  const gutterWidth = String(endLine).length;
  const blank = ' '.repeat(gutterWidth);
  const out: string[] = [paint.gutter(`${blank} |`)];
  const emit = (lineNo: number, from: number, to: number) => {
    const { text, pad, carets } = underlineLine(source, lineNo, from, to);
    out.push(`${paint.gutter(`${String(lineNo).padStart(gutterWidth)} |`)}${text === '' ? '' : ` ${text}`}`);
    out.push(`${paint.gutter(`${blank} |`)} ${' '.repeat(pad)}${paint.marker('^'.repeat(carets))}`);
  };
  if (endLine === startLine) {
    emit(startLine, range.start.column, endColumn);
  } else {
    const first = source.lineText(startLine);
    emit(startLine, range.start.column, first.length + 1);
    if (endLine - startLine > 1) out.push(paint.gutter(`${'.'.repeat(Math.max(3, gutterWidth))}`));
    const last = source.lineText(endLine);
    emit(endLine, Math.min(firstNonBlankColumn(last), endColumn), endColumn);
  }
  return { lines: out, gutterWidth };
}
