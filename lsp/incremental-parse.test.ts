// The incremental parser gives the whole-file parse exactly, for every policy file of the
// examples, the conformance cases, the parser and formatter goldens, and after edits.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasErrors } from '../language/diagnostic.ts';
import { parsePolicy } from '../language/text-to-ast.ts';
import { chunksOf, IncrementalParser } from './incremental-parse.ts';

const root = join(import.meta.dirname, '..');

function policyFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.policy')) out.push(p);
    }
  };
  walk(join(root, dir));
  return out;
}

const corpus = ['examples', 'spec/conformance', 'spec/parser', 'spec/format'].flatMap(policyFiles);

describe('incremental parse', () => {
  it('has a corpus to compare on', () => {
    expect(corpus.length).toBeGreaterThan(10);
  });

  it('cuts before every rule and ladder line, and nowhere else', () => {
    const text = 'enterprise "a"\nrule "x" {\n  when keyword then recall\n}\nladder "l" {\n}\ncategory\nrule "label"\n  rule "indented"';
    expect(chunksOf(text).map((c) => c.text.split('\n')[0])).toEqual(['enterprise "a"', 'rule "x" {', 'ladder "l" {']);
    expect(chunksOf(text).map((c) => c.line)).toEqual([0, 1, 4]);
  });

  it('cuts only after `\\n`: a lone CR or U+2028 is no line break for Hush', () => {
    for (const sep of ['\r', '\u2028', '\u2029']) {
      const text = `enterprise "a"${sep}rule "x" {\n  owner member "m"\n  groups "g"\n  keywords "k"\n  when keyword then recall\n}\nrule "y" {\n}\n`;
      expect(chunksOf(text).length).toBe(2);
      expect(new IncrementalParser().parse(text, 'f.policy', 'policy').ast).toEqual(parsePolicy(text, 'f.policy').ast);
    }
  });

  it.each(corpus.map((f) => [f.slice(root.length + 1), f]))('equals the whole-file parse: %s', (_, path) => {
    const text = readFileSync(path, 'utf8');
    const whole = parsePolicy(text, 'f.policy');
    const inc = new IncrementalParser().parse(text, 'f.policy', 'policy');
    expect(inc.ast).toEqual(whole.ast);
    if (!hasErrors(whole.diagnostics)) expect(inc.diagnostics).toEqual(whole.diagnostics);
    else expect(inc.diagnostics.length).toBeGreaterThan(0);
  });

  it('reparses only the chunk that changed, and still equals the whole-file parse', () => {
    const rule = (i: number) => `rule "r${i}" {\n  owner member "m"\n  keywords "加微信${i}"\n  when keyword then recall\n}\n\n`;
    const text = 'enterprise "e"\n\n' + Array.from({ length: 50 }, (_, i) => rule(i)).join('');
    const p = new IncrementalParser();
    p.parse(text, 'f.policy', 'policy');
    expect(p.parsedChunks).toBe(51);
    const edited = text.replace('加微信7"', '加微信7", "代购"\n  # a new line\n');
    const inc = p.parse(edited, 'f.policy', 'policy');
    expect(p.parsedChunks).toBe(52);
    expect(inc).toEqual(parsePolicy(edited, 'f.policy'));
    // Back to the first text: every chunk is cached again.
    expect(p.parse(text, 'f.policy', 'policy')).toEqual(parsePolicy(text, 'f.policy'));
  });
});
