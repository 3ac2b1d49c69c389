import { describe, expect, it } from 'vitest';
import { diagnostic } from '../../language/diagnostic.ts';
import { LineIndex } from '../../language/line-index.ts';
import { escapeData, escapeProperty, renderGithub } from './github.ts';
import { DIAGNOSTICS } from './test-fixtures.ts';

describe('renderGithub', () => {
  it('matches the golden output', async () => {
    await expect(renderGithub(DIAGNOSTICS, { files: 3 })).toMatchFileSnapshot('./golden/github.golden.txt');
  });

  it('escapes messages and properties as @actions/core does', () => {
    expect(escapeData('100% sure\r\nnext: a,b')).toBe('100%25 sure%0D%0Anext: a,b');
    expect(escapeProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
  });

  it('writes one command line per diagnostic that a runner can split back', () => {
    const range = new LineIndex('abc').range(0, 2);
    const d = diagnostic('hush/x/y', 'warning', 'a: b, 50%\nsecond line', 'dir,1/f:g.policy', range, { help: 'do::this' });
    const [line, summary] = renderGithub([d]).trimEnd().split('\n');
    expect(line).toBe('::warning file=dir%2C1/f%3Ag.policy,line=1,col=1,endLine=1,endColumn=3,title=hush/x/y::a: b, 50%25%0Asecond line%0Ahelp: do::this');
    // The properties part has no `::` and no bare `,` inside a value.
    const props = line.slice('::warning '.length, line.indexOf('::', 2));
    expect(props.split(',').map((p) => p.split('=')[0])).toEqual(['file', 'line', 'col', 'endLine', 'endColumn', 'title']);
    expect(summary).toBe('1 warning in 1 file');
  });

  it('leaves out columns for a range over several lines and maps info and hint to notices', () => {
    const text = 'a\nbc\n';
    const d = diagnostic('hush/x/y', 'info', 'm', 'f.policy', new LineIndex(text).range(0, 4));
    expect(renderGithub([d]).split('\n')[0]).toBe('::notice file=f.policy,line=1,endLine=2,title=hush/x/y::m');
    expect(renderGithub([{ ...d, severity: 'hint' }]).startsWith('::notice ')).toBe(true);
    expect(renderGithub([{ ...d, severity: 'error' }]).startsWith('::error ')).toBe(true);
  });

  it('writes backslashes in paths as forward slashes', () => {
    const d = diagnostic('hush/x/y', 'error', 'm', 'a\\b.policy', new LineIndex('x').range(0, 1));
    expect(renderGithub([d])).toContain('file=a/b.policy,');
  });
});

describe('renderGithub with control characters', () => {
  it('never writes an escape character into the log', () => {
    const out = renderGithub(DIAGNOSTICS);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(escapeData('a\tb\u001b[2J')).toBe('a\\tb\\u001b[2J');
  });
});
