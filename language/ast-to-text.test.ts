import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolicyFile } from './ast.ts';
import { formatPolicy, formatPolicyText } from './ast-to-text.ts';
import { LineIndex } from './line-index.ts';
import { arbPolicyFile } from './testing/arbitrary-ast.ts';
import { stripRanges } from './testing/strip-ranges.ts';
import { parsePolicy } from './text-to-ast.ts';
import { textToTokens } from './text-to-tokens.ts';

const root = join(import.meta.dirname, '..');
const sketch = readFileSync(join(root, 'spec/format/retail-sketch.policy'), 'utf8');

/** Formats text that must have no errors. */
function fmt(text: string): string {
  const r = formatPolicyText(text, 't.policy');
  expect(r.diagnostics).toEqual([]);
  return r.text!;
}

function policyFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.policy')) out.push(join(e.parentPath, e.name));
  }
  return out.sort();
}

/** Every error-free `.policy` file of the repository: the examples and the spec's cases. */
const corpus = [...policyFiles(join(root, 'examples')), ...policyFiles(join(root, 'spec'))]
  .map((path) => ({ path, text: readFileSync(path, 'utf8') }))
  .filter(({ text, path }) => parsePolicy(text, path).diagnostics.length === 0);

describe('formatPolicy', () => {
  it('gives the sketch back unchanged', () => {
    expect(fmt(sketch)).toBe(sketch);
  });

  it('writes one statement per line, two spaces deep, with `, ` between items', () => {
    expect(fmt('rule "r" { keywords "a","b" when keyword then recall,remove }')).toBe(
      'rule "r" {\n  keywords "a", "b"\n  when keyword then recall, remove\n}\n',
    );
  });

  it('sets blocks apart by one blank line and keeps one blank line of several', () => {
    expect(fmt('enterprise "a"\n\n\n\nlimits "b"\nrule "r" {}\nladder "l" {}\ncategory x\n')).toBe(
      'enterprise "a"\n\nlimits "b"\n\nrule "r" {}\n\nladder "l" {}\n\ncategory x\n',
    );
  });

  it('keeps blank lines inside a block but none after `{` or before `}`', () => {
    expect(fmt('rule "r" {\n\n  groups "g"\n\n\n  when link then recall\n\n}\n')).toBe('rule "r" {\n  groups "g"\n\n  when link then recall\n}\n');
  });

  it('puts a block’s leading comments after the forced blank line, next to the block', () => {
    expect(fmt('limits "b"\n# the rule\nrule "r" {}\n')).toBe('limits "b"\n\n# the rule\nrule "r" {}\n');
  });

  it('keeps comments: leading, trailing, on the header, inside a statement, before `}`, at the end', () => {
    const text = [
      '# head   ',
      'rule "r" { # header',
      '  keywords "a", # inside',
      '    "b" # trailing',
      '  # before the brace',
      '} # after',
      '# end',
      '',
    ].join('\n');
    expect(fmt(text)).toBe(
      ['# head', 'rule "r" { # header', '  # inside', '  keywords "a", "b" # trailing', '  # before the brace', '} # after', '', '# end', ''].join('\n'),
    );
  });

  it('re-quotes strings and keeps durations as written', () => {
    expect(fmt('rule "\\u0041\\/" { when flood 05 in 90s then warn "\\"hi\\"\\t", mute 0060m }')).toBe(
      'rule "A/" {\n  when flood 5 in 90s then warn "\\"hi\\"\\t", mute 0060m\n}\n',
    );
  });

  it('writes `appealable` last and `forever` without `for`', () => {
    expect(fmt('ladder "l" { step 1: appealable, suspend interop forever, ban admin forever }')).toBe(
      'ladder "l" {\n  step 1: suspend interop forever, ban admin forever, appealable\n}\n',
    );
  });

  it('keeps CRLF line endings when the file uses them', () => {
    expect(fmt('enterprise "a"\r\nrule "r" { groups "g" }\r\n')).toBe('enterprise "a"\r\n\r\nrule "r" {\r\n  groups "g"\r\n}\r\n');
  });

  it('formats an empty file to nothing', () => {
    expect(fmt('')).toBe('');
    expect(fmt('\n\n  \n')).toBe('');
  });

  it('refuses to format a file with syntax errors', () => {
    const r = formatPolicyText('rule "r" {\n  keywords "a\n}\n', 'bad.policy');
    expect(r.text).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toContain('hush/syntax/unterminated-string');
    expect(formatPolicyText('rule "r" { keywords "\\q" }', 'x').text).toBeUndefined();
    expect(formatPolicyText('ladder "l" { step 1: appealable, appealable }', 'x').text).toBeUndefined();
  });
});

/** Characters `hush fmt` must never write raw: a reader cannot see them (string-literal.ts). */
const INVISIBLE = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).filter((c) => !'\t\n\r'.includes(c)),
  '\u007f', '\u0080', '\u0085', '\u009f', // DEL and C1 controls
  '\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', // bidi
  '\u200b', '\u200c', '\u200d', '\u2060', '\u2061', '\u2062', '\u2063', '\u2064', '\ufeff', '\u00ad', '\u180e', // zero-width, invisible
  '\u034f', '\u115f', '\u1160', '\u3164', '\uffa0', '\u{e0001}', '\u{e0041}', // grapheme joiner, Hangul fillers, tags
  '\u2028', '\u2029', '\ud800', '\udbff', '\udc00', '\udfff', // separators, lone surrogates
];
/** What the printer writes as itself (and as a base a variation selector may modify). */
const VISIBLE = ['a', ' ', '加', '😀', '❤', '"', '\\', '\t', '\n', '葛', '1'];
const SELECTORS = ['\ufe0e', '\ufe0f', '\ufe00', '\u180b', '\u{e0100}'];

/** The raw characters of a printed file that are invisible, or a selector not after a visible base. */
function hidden(text: string): string[] {
  const out: string[] = [];
  let before = '';
  for (const ch of text) {
    if (INVISIBLE.includes(ch) && ch !== '\t' && ch !== '\n' && ch !== '\r') out.push(ch);
    if (SELECTORS.includes(ch) && !/[\p{Emoji}\p{Ideographic}]/u.test(before)) out.push(ch);
    before = ch;
  }
  return out;
}

describe('invisible characters in strings', () => {
  const arbValue = fc.array(fc.constantFrom(...INVISIBLE, ...VISIBLE, ...SELECTORS), { maxLength: 12 }).map((xs) => xs.join(''));
  // The name as a JSON literal (also a Hush literal): the invisible characters raw in the source.
  const policy = (v: string) => `enterprise "e"\n\nrule ${JSON.stringify(v)} {\n  keywords "k"\n  when keyword then warn "x"\n}\n`;

  it('stay escaped: `\\u202e` and `\\ufeff` are not turned into the characters', () => {
    expect(fmt('enterprise "\\u202eevil\\ufeff"\n')).toBe('enterprise "\\u202eevil\\ufeff"\n');
    expect(fmt('enterprise "a\\u200bb\\u{e0041}\\u00ad\\u180e\\u2066"\n')).toBe('enterprise "a\\u200bb\\u{e0041}\\u00ad\\u180e\\u2066"\n');
    // A variation selector stays raw after the emoji it modifies, escaped where it only hides.
    expect(fmt('enterprise "\\u2764\\ufe0f \\ufe0f a\\ufe0f"\n')).toBe('enterprise "❤\ufe0f \\ufe0f a\\ufe0f"\n');
  });

  it('are never printed raw, and the text reads back to the same value, once formatted or twice', () => {
    fc.assert(
      fc.property(arbValue, (v) => {
        const ast = parsePolicy(policy(v), 't.policy').ast;
        expect(ast.declarations[1]).toMatchObject({ kind: 'rule', name: { value: v } });
        const once = formatPolicy(ast);
        expect(hidden(once)).toEqual([]);
        expect(stripRanges(parsePolicy(once, 't.policy').ast)).toEqual(stripRanges(ast));
        expect(fmt(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });
});

describe('formatPolicy properties', () => {
  it('has a corpus of examples', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(10);
  });

  it('is stable and keeps the meaning of every example', () => {
    for (const { path, text } of corpus) {
      const once = fmt(text);
      expect(fmt(once), path).toBe(once);
      expect(stripRanges(parsePolicy(once, path).ast), path).toEqual(stripRanges(parsePolicy(text, path).ast));
    }
  });

  it('prints any AST as text that parses back to the same AST', () => {
    fc.assert(
      fc.property(arbPolicyFile(), (ast) => {
        const text = formatPolicy(ast);
        const back = parsePolicy(text, ast.file);
        expect(back.diagnostics).toEqual([]);
        expect(stripRanges(back.ast)).toEqual(stripRanges(ast));
      }),
      { numRuns: 300 },
    );
  });

  it('formats twice as once, over random ASTs', () => {
    fc.assert(
      fc.property(arbPolicyFile(), (ast) => {
        const once = formatPolicy(ast);
        expect(fmt(once)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every comment, in order, wherever it stands', () => {
    // Comments are put at random line ends and on lines of their own in a printed random AST.
    const arb = arbPolicyFile(5).chain((ast) => {
      const lines = formatPolicy(ast).split('\n');
      return fc.tuple(
        fc.constant(lines),
        fc.array(fc.tuple(fc.nat(lines.length), fc.boolean(), fc.stringMatching(/^[^\r\n]{0,12}$/)), { maxLength: 8 }),
      );
    });
    fc.assert(
      fc.property(arb, ([lines, inserts]) => {
        const out = [...lines];
        for (const [at, own, text] of inserts) {
          const i = Math.min(at, out.length - 1);
          if (own) out.splice(i, 0, `#${text}`);
          else out[i] = `${out[i]} #${text}`;
        }
        const text = out.join('\n');
        const before = parsePolicy(text, 't');
        expect(before.diagnostics).toEqual([]);
        const once = fmt(text);
        expect(fmt(once)).toBe(once);
        const after = parsePolicy(once, 't');
        expect(stripRanges(after.ast)).toEqual(stripRanges(before.ast));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same AST and a stable layout for any spacing of the sketch', () => {
    // The sketch's tokens are joined again with random whitespace, blank lines and comments.
    const lines = new LineIndex(sketch);
    const tokens = textToTokens(sketch, 's', lines).tokens.map((t) => t.image);
    const gap = fc.constantFrom(' ', '  ', '\t', '\n', '\n\n', '\r\n', '\n\n\n', ' # note\n', '\n#x\n\n');
    const original = parsePolicy(sketch, 's').ast;
    const withoutComments = (ast: PolicyFile) => ({ ...(stripRanges(ast) as object), comments: [] });
    fc.assert(
      fc.property(fc.array(gap, { minLength: tokens.length, maxLength: tokens.length }), (gaps) => {
        const text = tokens.map((t, i) => t + gaps[i]).join('');
        const parsed = parsePolicy(text, 's');
        expect(parsed.diagnostics).toEqual([]);
        expect(withoutComments(parsed.ast)).toEqual(withoutComments(original));
        const once = fmt(text);
        expect(fmt(once)).toBe(once);
        expect(stripRanges(parsePolicy(once, 's').ast)).toEqual(stripRanges(parsed.ast));
      }),
      { numRuns: 200 },
    );
  });
});
