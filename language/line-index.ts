// Converts between UTF-16 offsets and (line, column) positions of one text. Lines end at \n;
// a \r before it belongs to the line's end, so CRLF files get the same columns as LF files.
import type { Position, Range } from './diagnostic.ts';

export class LineIndex {
  /** Offsets at which each line starts; lineStarts[0] is 0. */
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    let i = text.indexOf('\n');
    while (i !== -1) {
      starts.push(i + 1);
      i = text.indexOf('\n', i + 1);
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.lineStarts[lo] + 1, offset: o };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** The offset of a 1-based line and column, clamped into the text. */
  offset(line: number, column: number): number {
    const l = Math.max(1, Math.min(line, this.lineStarts.length));
    const start = this.lineStarts[l - 1];
    const next = l < this.lineStarts.length ? this.lineStarts[l] - 1 : this.text.length;
    return Math.max(start, Math.min(start + column - 1, next));
  }

  /** The text of a 1-based line without its line ending. */
  lineText(line: number): string {
    if (line < 1 || line > this.lineStarts.length) return '';
    const start = this.lineStarts[line - 1];
    const end = line < this.lineStarts.length ? this.lineStarts[line] - 1 : this.text.length;
    return this.text.slice(start, end).replace(/\r$/, '');
  }
}
