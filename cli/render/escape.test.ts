// The escapers of escape.ts, one per output format: what each does to hostile strings, that
// ordinary strings pass unchanged, and (fast-check) that no string at all gets a control,
// bidirectional or invisible character, a line break or a workflow command through.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  githubData,
  githubProperty,
  markdownCell,
  markdownCode,
  markdownText,
  sarifText,
  terminalLines,
  terminalText,
  unescapeGithubData,
  unescapeGithubProperty,
  xmlAttribute,
  xmlText,
} from './escape.ts';

/** What no output line may hold raw: C0 (LF aside), DEL, C1, bidi, separators, invisible format characters. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/;
const RAW_OR_LF = new RegExp(RAW.source.replace('\\u0009\\u000b', '\\u0009\\u000a\\u000b'));
/** A line the GitHub runner would take as a command: `::` at its start after blanks, or `##[` anywhere. */
const COMMAND = /^\s*::|##\[/m;

const HOSTILE = '\n# forged <img src=x onerror=alert(1)> \u001b[2J \r ::error file=x::forged %0A \u202e ##[error]legacy';

/** Any string, with the characters that matter over-represented. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.array(
    fc.constantFrom('\n', '\r', '\t', '\u001b', '\u0000', '\u007f', '\u0085', '\u009b', '\u202e', '\u2066', '\u2028', '\u200b', '\ufeff', '\ud800', '\udc00', ':', '::', '#', '##[', '[', '%', '%0A', '`', '|', '<', '&', ' ', 'a', '字', '😀'),
    { maxLength: 30 },
  ).map((xs) => xs.join('')),
);

describe('terminalText', () => {
  it('writes control, bidirectional and invisible characters as visible escapes', () => {
    expect(terminalText('a\nb\rc\td\u001b[2Je\u007f\u0085\u202e\u2066\u200b\u2028\ufeff')).toBe(
      'a\\nb\\rc\\td\\u001b[2Je\\u007f\\u0085\\u202e\\u2066\\u200b\\u2028\\ufeff',
    );
    expect(terminalText('x\ud800y\udc00')).toBe('x\\ud800y\\udc00');
  });

  it('breaks up workflow commands: `::` at the start, `##[` anywhere', () => {
    expect(terminalText('::error file=x::forged')).toBe('\\::error file=x::forged');
    expect(terminalText('  \u3000::warning::x')).toBe('  \u3000\\::warning::x');
    expect(terminalText('a ##[error]b')).toBe('a ##\\[error]b');
    expect(terminalText('rule a::b')).toBe('rule a::b');
  });

  it('leaves ordinary text alone: names, Chinese, emoji with joiners, paths', () => {
    for (const s of ['retail-ads', '加微信', '👨‍👩‍👧', 'C:\\policies\\a.policy', 'a: b, 50% -> c', 'क्‍ष']) expect(terminalText(s)).toBe(s);
  });

  it('never lets a raw character, a line break or a workflow command through (fast-check)', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const out = terminalText(s);
        expect(out).not.toMatch(RAW_OR_LF);
        expect(out).not.toMatch(COMMAND);
        expect(terminalText(out)).toBe(out);
      }),
      { numRuns: 2000 },
    );
  });

  it('terminalLines and sarifText keep LF, and nothing else', () => {
    expect(terminalLines('a\nb\r\u001b')).toBe('a\nb\\r\\u001b');
    expect(sarifText('m\nhelp: \u202e::x')).toBe('m\nhelp: \\u202e::x');
    expect(terminalLines('m\n  ::error::x')).toBe('m\n  \\::error::x');
    fc.assert(
      fc.property(anyText, (s) => {
        const out = terminalLines(s);
        expect(out).not.toMatch(RAW);
        expect(out).not.toMatch(COMMAND);
        expect(out.split('\n').length).toBe(s.split('\n').length);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('GitHub workflow commands', () => {
  it('escapes data and properties as @actions/core does', () => {
    expect(githubData('100% sure\r\nnext: a,b')).toBe('100%25 sure%0D%0Anext: a,b');
    expect(githubProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
    expect(githubData(HOSTILE)).toBe('%0A# forged <img src=x onerror=alert(1)> \\u001b[2J %0D \\::error file=x::forged %250A \\u202e ##\\[error]legacy');
  });

  it('gives the input back through the runner\'s unescaping, and never a raw character (fast-check)', () => {
    const plain = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]|##\[|^\s*::/m;
    fc.assert(
      fc.property(anyText, (s) => {
        const data = githubData(s);
        const prop = githubProperty(s);
        expect(data).not.toMatch(RAW_OR_LF);
        expect(prop).not.toMatch(RAW_OR_LF);
        // A property value can neither end the properties (`::`) nor start another (`,`).
        expect(prop).not.toMatch(/[:,]/);
        // What the runner shows is the input, made safe exactly where it had to be.
        const shown = unescapeGithubData(data);
        expect(shown.replace(/[\r\n]/g, '')).not.toMatch(RAW);
        expect(shown.split(/[\r\n]/).length).toBe(s.split(/[\r\n]/).length);
        expect(unescapeGithubProperty(prop)).toBe(shown);
        if (!plain.test(s)) {
          expect(unescapeGithubData(data)).toBe(s);
          expect(unescapeGithubProperty(prop)).toBe(s);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('Markdown', () => {
  it('puts any text in a code span nothing can close, on one line', () => {
    expect(markdownCode('ads')).toBe('`ads`');
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('`a')).toBe('`` `a ``');
    expect(markdownCode('x\n# forged')).toBe('`x\\n# forged`');
  });

  it('escapes HTML and inline markup outside code spans, and keeps code spans and Hush wording', () => {
    expect(markdownText('keyword `<img src=x>` removed from rule `a` -> b')).toBe('keyword `<img src=x>` removed from rule `a` -> b');
    expect(markdownText('entries: <img src=x onerror=alert(1)>, [x](https://e.example), ![i](u), *b*, @team, a & b')).toBe(
      'entries: &lt;img src=x onerror=alert(1)>, \\[x\\](https://e.example), \\!\\[i\\](u), \\*b\\*, &#64;team, a &amp; b',
    );
    // An unmatched backtick is text, not the start of a span that swallows the rest.
    expect(markdownText('a ` <b>')).toBe('a \\` &lt;b>');
    // Spans of several backticks, as q() writes a name holding backticks.
    expect(markdownText('rule ``a`<b>`` and <i>')).toBe('rule ``a`<b>`` and &lt;i>');
  });

  it('keeps a table cell one cell on one line', () => {
    expect(markdownCell(`rule \`x|y\`: a | b\n# forged`)).toBe('rule `x\\|y`: a \\| b\\\\n# forged');
  });

  it('gives text that never starts a line, a heading or HTML (fast-check)', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        for (const out of [markdownCode(s), markdownText(s), markdownCell(s)]) {
          expect(out).not.toMatch(RAW_OR_LF);
          expect(out).not.toMatch(COMMAND);
        }
        // Outside code spans no `<` is left: no tag can open.
        expect(markdownText(s).replace(/(`+)[\s\S]*?(?<!`)\1(?!`)/g, '')).not.toMatch(/</);
        expect(markdownCell(s)).not.toMatch(/(?<!\\)\|/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('XML (JUnit)', () => {
  /** Characters XML 1.0 cannot hold at all (C0 but tab and the line breaks, lone surrogates, U+FFFE, U+FFFF). */
  const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

  it('writes markup characters as entities and controls as visible escapes', () => {
    expect(xmlAttribute('a <b> & "c" \'d\'\u0007\n')).toBe('a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;\\u0007\\n');
    expect(xmlText('line 1\nline <2>\u001b[2J\ufffe')).toBe('line 1\nline &lt;2&gt;\\u001b[2J\\ufffe');
  });

  it('gives text XML 1.0 can hold, with no markup (fast-check)', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        for (const out of [xmlText(s), xmlAttribute(s)]) {
          expect(out).not.toMatch(NOT_XML);
          expect(out).not.toMatch(/[<>"']|&(?!(amp|lt|gt|quot|apos);)/);
        }
        expect(xmlAttribute(s)).not.toMatch(RAW_OR_LF);
      }),
      { numRuns: 2000 },
    );
  });
});
