import { describe, expect, it } from 'vitest';
import { diagnostic, type Range } from '../../language/diagnostic.ts';
import { LineIndex } from '../../language/line-index.ts';
import { stringWidth } from './display-width.ts';
import { renderHuman } from './human.ts';
import { MAX_LINE_WIDTH, renderSnippet } from './source-snippet.ts';
import { DIAGNOSTICS, getSource, SHOP } from './test-fixtures.ts';

/** The snippet of one range in a text, as plain lines. */
const snippet = (text: string, range: Range) => renderSnippet(new LineIndex(text), range).lines;
const at = (text: string, from: number, to: number) => new LineIndex(text).range(from, to);

/** The source text and the underline of a one-line snippet, without the gutter. */
function split(lines: string[]): { source: string; marks: string } {
  expect(lines).toHaveLength(3);
  const strip = (l: string) => l.replace(/^\s*\d*\s\|\s?/, '');
  return { source: strip(lines[1]), marks: strip(lines[2]) };
}

describe('renderHuman', () => {
  it('matches the golden output', async () => {
    await expect(renderHuman(DIAGNOSTICS, { getSource, color: false, files: 3 })).toMatchFileSnapshot('./golden/human.golden.txt');
  });

  it('matches the golden output with colours', async () => {
    await expect(renderHuman(DIAGNOSTICS, { getSource, color: true, files: 3 })).toMatchFileSnapshot('./golden/human-color.golden.txt');
  });

  it('prints positions as they are, 1-based, in the first line of each diagnostic', () => {
    const out = renderHuman(DIAGNOSTICS, { getSource, color: false, files: 3 });
    for (const d of DIAGNOSTICS) {
      expect(out).toContain(`:${d.range.start.line}:${d.range.start.column}: ${d.severity}[`);
    }
  });

  it('writes no escape character without colours, even when a message holds one', () => {
    const out = renderHuman(DIAGNOSTICS, { getSource, color: false, files: 3 });
    expect(out).not.toContain('\u001b');
    const colored = renderHuman(DIAGNOSTICS, { getSource, color: true, files: 3 });
    expect(colored).toContain('\u001b[1;31m');
    expect(colored).not.toContain('\u001b[2J');
  });

  it('ends with the summary line', () => {
    const out = renderHuman(DIAGNOSTICS, { getSource, color: false, files: 3 });
    expect(out.trimEnd().split('\n').pop()).toBe('5 errors, 2 warnings, 1 info, 1 hint in 3 files');
    expect(renderHuman([], { getSource, color: false, files: 1 })).toBe('no problems in 1 file\n');
  });

  it('shows no snippet for a file it cannot read, and survives a throwing source lookup', () => {
    const d = diagnostic('hush/list/not-found', 'error', 'gone', 'nowhere.txt', at('x', 0, 1), { help: 'look elsewhere' });
    const out = renderHuman([d], { getSource: () => { throw new Error('boom'); }, color: false });
    expect(out).toBe('nowhere.txt:1:1: error[hush/list/not-found]: gone\n  = help: look elsewhere\n\n1 error in 1 file\n');
  });
});

describe('renderSnippet', () => {
  it('puts the carets under wide characters by display width', () => {
    const line = SHOP.split('\n')[2];
    const from = line.indexOf('"代购"');
    const { source, marks } = split(snippet(line, at(line, from, from + 4)));
    expect(source).toBe(line);
    expect(marks).toBe(' '.repeat(stringWidth(line.slice(0, from))) + '^'.repeat(6));
  });

  it('expands tabs to the next multiple of four and keeps the carets under the text', () => {
    const line = 'a\tb\t\t"g-1"';
    const from = line.indexOf('"');
    const { source, marks } = split(snippet(line, at(line, from, from + 5)));
    expect(source).toBe('a   b       "g-1"');
    expect(marks).toBe(`${' '.repeat(12)}^^^^^`);
  });

  it('gives a zero-width range one caret, also just past the end of the line', () => {
    expect(split(snippet('abc', at('abc', 1, 1))).marks).toBe(' ^');
    expect(split(snippet('abc', at('abc', 3, 3))).marks).toBe('   ^');
  });

  it('counts columns in UTF-16 code units, so a character outside the BMP takes two columns of the range', () => {
    const line = '😀"x"';
    const { marks } = split(snippet(line, at(line, 2, 5)));
    expect(marks).toBe('  ^^^');
  });

  it('shows the first and last line of a range over several lines', () => {
    const text = 'rule "a" {\n  keywords "x"\n  when keyword then recall\n}\n';
    const lines = snippet(text, at(text, text.indexOf('{'), text.lastIndexOf('}') + 1));
    expect(lines).toEqual(['  |', '1 | rule "a" {', '  |          ^', '...', '4 | }', '  | ^']);
  });

  it('treats a range ending at the start of a line as ending at the end of the line before', () => {
    const text = 'abc\ndef\n';
    expect(snippet(text, at(text, 0, 4))).toEqual(['  |', '1 | abc', '  | ^^^']);
  });

  it('shows nothing for a line past the end of the file', () => {
    const range = { start: { line: 9, column: 1, offset: -1 }, end: { line: 9, column: 2, offset: -1 } };
    expect(snippet('one line', range)).toEqual([]);
  });

  it('replaces control and bidirectional-override characters, keeping the carets aligned', () => {
    const line = 'a\u001b[2J\u202eb"x"';
    const from = line.indexOf('"');
    const { source, marks } = split(snippet(line, at(line, from, from + 3)));
    expect(source).toBe('a\ufffd[2J\ufffdb"x"');
    expect(marks).toBe(`${' '.repeat(from)}^^^`);
  });

  it('cuts a very long line to a window around the range', () => {
    const line = `${'x'.repeat(5000)}"target"${'y'.repeat(5000)}`;
    const from = line.indexOf('"');
    const { source, marks } = split(snippet(line, at(line, from, from + 8)));
    expect(source.length).toBeLessThanOrEqual(MAX_LINE_WIDTH + 6);
    expect(source.startsWith('...')).toBe(true);
    expect(source.endsWith('...')).toBe(true);
    expect(source.slice(marks.indexOf('^'), marks.length)).toBe('"target"');
  });

  it('does not split a wide character at the edge of the window', () => {
    const line = `${'加'.repeat(3000)}"x"`;
    const from = line.indexOf('"');
    const { source, marks } = split(snippet(line, at(line, from, from + 3)));
    expect(source).toMatch(/^\.\.\.加+"x"$/);
    expect(marks).toBe(`${' '.repeat(stringWidth(source) - 3)}^^^`);
  });
});
