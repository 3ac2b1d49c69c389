// Completion and hover for variant lines (`variants of "WORD" LIST`, a declaration) and pattern
// keywords (`pattern LIST`, a rule statement).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../language/index.ts';
import { complete } from './completion.ts';
import { hover } from './hover.ts';
import { marked, positionOf } from './testing/markers.ts';

function labelsAt(source: string): string[] {
  const m = marked(source);
  const c = m.cursors[0];
  let offset = 0;
  for (let l = 0; l < c.line; l++) offset = m.text.indexOf('\n', offset) + 1;
  offset += c.character;
  return complete({ text: m.text, offset, positions: { positionAt: (o) => positionOf(m.text, o) } }).map((i) => i.label);
}

function hoverAt(source: string): string | undefined {
  const offset = source.indexOf('<|>');
  const text = source.replace('<|>', '');
  return hover(text, parsePolicy(text, 'p.policy').ast, 'p.policy', offset, undefined)?.markdown;
}

describe('pattern keywords in completion', () => {
  it('offers `pattern` among a rule\'s statements, and a list after it', () => {
    const labels = labelsAt('rule "r" {\n  groups "g-1"\n  <|>\n}\n');
    expect(labels).toEqual(expect.arrayContaining(['pattern', 'keywords', 'except', 'when']));
    expect(labelsAt('<|>')).not.toContain('pattern');
    expect(labelsAt('rule "r" {\n  pattern <|>\n}\n')).toEqual(['from']);
  });
});

describe('variant lines in completion and hover', () => {
  it('offers `variants` where a declaration may start, then `of`', () => {
    expect(labelsAt('enterprise "e"\n<|>')).toEqual(expect.arrayContaining(['variants', 'rule', 'normalize']));
    expect(labelsAt('variants <|>')).toEqual(['of']);
    expect(labelsAt('variants of "微信" <|>')).toEqual(['from']);
  });

  it('still offers `variants` once as a normalisation step', () => {
    const steps = labelsAt('normalize case, <|>');
    expect(steps.filter((l) => l === 'variants')).toHaveLength(1);
    expect(steps).toEqual(expect.arrayContaining(['width', 'symbols', 'traditional']));
  });

  it('explains the declaration and its `of`', () => {
    expect(hoverAt('varia<|>nts of "微信" "威芯"\n')).toContain("the set's own spellings of a word");
    expect(hoverAt('variants o<|>f "微信" "威芯"\n')).toContain('the word of a variant line');
  });
});

describe('variant lines in the TextMate grammar', () => {
  const g = JSON.parse(readFileSync(new URL('./vscode/syntaxes/hush.tmLanguage.json', import.meta.url), 'utf8'));
  const first = (line: string) => {
    // The first top-level pattern that matches at the line's first word, as an editor tries them.
    for (const { include } of g.patterns as { include: string }[]) {
      const r = g.repository[include.slice(1)];
      if (!r?.match || !r.name) continue;
      const m = new RegExp(r.match, 'y').exec(line);
      if (m) return r.name as string;
    }
    return undefined;
  };

  it('scopes `variants of` as a declaration and `variants` elsewhere as the step', () => {
    expect(first('variants of "微信" "威芯"')).toBe('storage.type.declaration.hush');
    expect(first('variants')).toBe('support.constant.normalize-step.hush');
    expect(first('variants, case')).toBe('support.constant.normalize-step.hush');
  });
});

