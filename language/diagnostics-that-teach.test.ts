// Diagnostics that teach: punctuation typed by a Chinese input method, "did you mean" for the
// language's words, durations written apart, misplaced declarations and step forms are each said
// once, with what to write instead; and the fixes they carry, applied, give the policy that was
// meant. The oracle is the policy written correctly in the first place.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from './diagnostic.ts';
import { readImePunctuation } from './ime-punctuation.ts';
import { stripRanges } from './testing/strip-ranges.ts';
import { parsePolicy } from './text-to-ast.ts';

const sketch = readFileSync(join(import.meta.dirname, '../spec/format/retail-sketch.policy'), 'utf8');

/** The text with every fix of the diagnostics applied (safe ones only, unless `all`). */
function applyFixes(text: string, ds: readonly Diagnostic[], all = false): string {
  const edits = ds.flatMap((d) => (d.fixes ?? []).filter((f) => all || f.safe).slice(0, 1).flatMap((f) => f.edits));
  let out = text;
  for (const e of [...edits].sort((a, b) => b.range.start.offset - a.range.start.offset)) {
    out = out.slice(0, e.range.start.offset) + e.newText + out.slice(e.range.end.offset);
  }
  return out;
}

const errors = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error');

describe('input-method punctuation', () => {
  it('reports a full-width comma once, reads it as a comma, and fixes it', () => {
    const text = sketch.replace('"加微信", "代购"', '"加微信"，"代购"');
    expect(text).not.toBe(sketch);
    const r = parsePolicy(text, 'p.policy');
    const es = errors(r.diagnostics);
    expect(es).toHaveLength(1);
    expect(es[0].code).toBe('hush/syntax/full-width-punctuation');
    expect(`${es[0].message} ${es[0].help}`).toMatch(/ASCII comma/);
    expect(stripRanges(r.ast)).toEqual(stripRanges(parsePolicy(sketch, 'p.policy').ast));
    expect(applyFixes(text, r.diagnostics)).toBe(sketch);
  });

  it('reads curly, corner-bracket and single quotes as strings, and leaves strings and comments alone', () => {
    const meant = 'rule "r" {\n  keywords "加微信", "私聊", "代购"\n  # “quoted”，in a comment\n  keywords "“inner”，text"\n  when keyword then recall\n}\nladder "l" {\n  counts harassment\n  step 1: ban admin\n}\n';
    const typed = 'rule "r" {\n  keywords “加微信”，「私聊」、\'代购\'\n  # “quoted”，in a comment\n  keywords "“inner”，text"\n  when keyword then recall；\n}\nladder "l" ｛\n  counts harassment\n  step 1：ban admin\n｝\n';
    const r = parsePolicy(typed, 'p.policy');
    expect(r.diagnostics.map((d) => d.code)).toEqual([
      'hush/syntax/wrong-quotes', 'hush/syntax/full-width-punctuation', 'hush/syntax/wrong-quotes', 'hush/syntax/full-width-punctuation', 'hush/syntax/wrong-quotes',
      'hush/syntax/full-width-punctuation', 'hush/syntax/full-width-punctuation', 'hush/syntax/full-width-punctuation', 'hush/syntax/full-width-punctuation',
    ]);
    expect(stripRanges(r.ast)).toEqual(stripRanges(parsePolicy(meant, 'p.policy').ast));
    const fixed = applyFixes(typed, r.diagnostics);
    expect(parsePolicy(fixed, 'p.policy').diagnostics).toEqual([]);
    expect(stripRanges(parsePolicy(fixed, 'p.policy').ast)).toEqual(stripRanges(parsePolicy(meant, 'p.policy').ast));
  });

  it('keeps offsets: the text the lexer reads has the length of the file', () => {
    const piece = fc.constantFrom('keywords ', '"a"', '“b”', '，', '、', '：', '；', '｛', '｝', '（注）', '\u3000', "'c'", '# “x”，\n', '\n', ' ', 'rule "r" {', '}', '"\\"', '’');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        const read = readImePunctuation(text);
        expect(read.text.length).toBe(text.length);
        for (const p of read.problems) expect(p.start < p.end && p.end <= text.length).toBe(true);
        // Applying the safe fixes leaves nothing to fix.
        const fixed = applyFixes(text, parsePolicy(text, 'p.policy').diagnostics);
        expect(readImePunctuation(fixed).problems.filter((p) => p.fix?.safe)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('did you mean', () => {
  it('suggests the language word a misspelt one was meant to be, as a fix', () => {
    const text = 'rule "r" {\n  keyword "a"\n  when keyword then recal\n}\nladder "l" {\n  count harassment\n}\nrul "x" {\n}\n';
    const r = parsePolicy(text, 'p.policy');
    expect(r.diagnostics.map((d) => d.help)).toEqual(['did you mean `keywords`?', 'did you mean `recall`?', 'did you mean `counts`?', 'did you mean `rule`?']);
    // Guesses are not safe; applied anyway, they give the policy meant.
    expect(r.diagnostics.every((d) => d.fixes?.[0].safe === false)).toBe(true);
    expect(applyFixes(text, r.diagnostics, true)).toBe(text.replace('keyword "a"', 'keywords "a"').replace('recal\n', 'recall\n').replace('count harassment', 'counts harassment').replace('rul "x"', 'rule "x"'));
  });

  it('takes a word that differs in case alone as a safe fix', () => {
    const r = parsePolicy('rule "r" {\n  when link then Recall\n}\n', 'p.policy');
    expect(r.diagnostics[0].fixes?.[0]).toMatchObject({ safe: true, edits: [{ newText: 'recall' }] });
  });
});

describe('durations', () => {
  it('says what to write for a number and a unit written apart, once per duration', () => {
    const text = 'rule "r" {\n  when link then mute 60 minutes, remove\n  when flood 5 in 10 s then recall\n  when image then mute 30min\n}\nladder "l" {\n  counts harassment\n  step 1: suspend interop for 2 Hours\n}\n';
    const r = parsePolicy(text, 'p.policy');
    expect(r.diagnostics.map((d) => [d.message, d.help])).toEqual([
      ['`60 minutes` is not a duration', 'write `60m`: the number and its unit with no space between'],
      ['`10 s` is not a duration', 'write `10s`: the number and its unit with no space between'],
      ['unknown duration unit `min`', 'did you mean `30m`?'],
      ['`2 Hours` is not a duration', 'write `2h`: the number and its unit with no space between'],
    ]);
    const fixed = applyFixes(text, r.diagnostics);
    expect(fixed).toContain('mute 60m, remove');
    expect(fixed).toContain('flood 5 in 10s then');
    expect(fixed).toContain('for 2h');
    expect(parsePolicy(fixed, 'p.policy').diagnostics).toEqual([]);
  });

  it('does not take a language word for a unit', () => {
    const r = parsePolicy('rule "r" {\n  when flood 5 in 10 then recall\n}\n', 'p.policy');
    expect(r.diagnostics.map((d) => d.message)).toEqual(['`10` has no unit']);
    expect(r.diagnostics[0].fixes).toBeUndefined();
  });
});

describe('no cascades', () => {
  it('says once that a declaration stands inside a rule, and reads the rest of the rule', () => {
    const r = parsePolicy('rule "r" {\n  keywords "a"\n  category spam "Spam"\n  when keyword then recall\n}\n', 'p.policy');
    expect(r.diagnostics.map((d) => `${d.range.start.line} ${d.code}`)).toEqual(['3 hush/syntax/misplaced-declaration']);
    const rule = r.ast.declarations[0];
    expect(rule.kind === 'rule' && rule.body.map((s) => s.kind)).toEqual(['keywords', 'when']);
  });

  it('takes `exempt customers` in a rule as the rule\'s own, and explains `exempt members` once', () => {
    const ok = parsePolicy('rule "r" {\n  keywords "a"\n  exempt customers "c-1"\n  when keyword then recall\n}\n', 'p.policy');
    expect(ok.diagnostics).toEqual([]);
    const own = ok.ast.declarations[0];
    expect(own.kind === 'rule' && own.body.map((s) => s.kind)).toEqual(['keywords', 'exempt', 'when']);
    const r = parsePolicy('rule "r" {\n  keywords "a"\n  exempt members "u-1", "u-2"\n  when keyword then recall\n}\n', 'p.policy');
    expect(r.diagnostics.map((d) => `${d.range.start.line} ${d.code}`)).toEqual(['3 hush/syntax/exempt-members']);
    expect(applyFixes('rule "r" {\n  keywords "a"\n  exempt members "u-1", "u-2"\n  when keyword then recall\n}\n', r.diagnostics, true)).toContain('exempt customers "u-1"');
    const rule = r.ast.declarations[0];
    expect(rule.kind === 'rule' && rule.body.map((s) => s.kind)).toEqual(['keywords', 'when']);
  });

  it('repairs the forms of a step in one edit each', () => {
    const text = 'ladder "l" {\n  counts harassment\n  step: 1 ban admin\n  2 step: ban member for 1d\n  step 3 ban member forever\n}\n';
    const r = parsePolicy(text, 'p.policy');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['hush/syntax/bad-step', 'hush/syntax/bad-step', 'hush/syntax/bad-step']);
    const fixed = applyFixes(text, r.diagnostics);
    expect(fixed).toBe('ladder "l" {\n  counts harassment\n  step 1: ban admin\n  step 2: ban member for 1d\n  step 3: ban member forever\n}\n');
    expect(parsePolicy(fixed, 'p.policy').diagnostics).toEqual([]);
  });

  it('reports a missing `}` besides the other errors of its rule', () => {
    const r = parsePolicy('rule "a" {\n  keywords "x"\n  allow links\n\nrule "b" {\n}\n', 'p.policy');
    expect(r.diagnostics.map((d) => d.code).sort()).toEqual(['hush/syntax/missing-brace', 'hush/syntax/unexpected-token']);
  });
});
