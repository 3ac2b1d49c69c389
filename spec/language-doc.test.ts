// spec/language.md stays true to the code: its list of language words, its tables of built-in
// categories, normalisation steps, duration units and limits are compared with the data they
// document, and every `policy` example in it parses without a diagnostic (`policy-statements`
// examples are parsed inside a rule).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CATEGORIES, NORMALIZE_STEPS } from '../language/builtins.ts';
import { DURATION_UNITS } from '../language/duration.ts';
import { parsePolicy } from '../language/text-to-ast.ts';
import { KEYWORDS } from '../language/tokens.ts';

const doc = readFileSync(fileURLToPath(new URL('language.md', import.meta.url)), 'utf8');
const profile = JSON.parse(readFileSync(fileURLToPath(new URL('limits/wecom-4.1.36.json', import.meta.url)), 'utf8')) as {
  limits: { id: string; max: number | null; cite: string }[];
};

/** The rows of the first Markdown table after `heading`, as arrays of trimmed cells. */
function tableAfter(heading: string): string[][] {
  const at = doc.indexOf(heading);
  expect(at, heading).toBeGreaterThanOrEqual(0);
  const lines = doc.slice(at).split('\n');
  const start = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const l of lines.slice(start + 2)) {
    if (!l.startsWith('|')) break;
    rows.push(l.slice(1, -1).split(' | ').map((c) => c.trim()));
  }
  return rows;
}

const unquote = (cell: string) => cell.replace(/^`|`$/g, '');

function fenced(lang: string): string[] {
  const out: string[] = [];
  const re = new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm');
  for (const m of doc.matchAll(re)) out.push(m[1]);
  return out;
}

describe('spec/language.md', () => {
  it('lists every language word', () => {
    const m = /\*\*Language words\*\*[^:]*:\n?([\s\S]*?)\. Words are case-sensitive/.exec(doc);
    expect(m).not.toBeNull();
    const words = m![1].replace(/`/g, '').split(/\s+/).filter(Boolean);
    expect(words).toEqual([...KEYWORDS].sort());
  });

  it('tables the built-in categories', () => {
    const rows = tableAfter('## 9. Built-in categories');
    expect(rows.map((r) => [unquote(r[0]), Number(r[1]), r[2]])).toEqual(BUILTIN_CATEGORIES.map((c) => [c.id, c.penaltyRule, c.label]));
  });

  it('tables the normalisation steps and duration units', () => {
    expect(tableAfter('## 10. Text normalisation').map((r) => unquote(r[0]))).toEqual(Object.keys(NORMALIZE_STEPS));
    expect(tableAfter('**Durations**').map((r) => unquote(r[0]))).toEqual(Object.keys(DURATION_UNITS));
  });

  it('tables the limits of wecom-4.1.36 with their seed sentences', () => {
    const rows = tableAfter('## 14. Limits');
    expect(rows.map((r) => unquote(r[0]))).toEqual(profile.limits.map((l) => l.id));
    for (const [i, l] of profile.limits.entries()) {
      const value = rows[i][2];
      expect(value, l.id).toBe(l.max === null ? 'no limit' : l.max.toLocaleString('en'));
      expect(rows[i][3], l.id).toBe(l.cite);
    }
  });

  it('has examples that parse', () => {
    const whole = fenced('policy');
    const statements = fenced('policy-statements');
    expect(whole.length).toBeGreaterThan(5);
    for (const text of whole) expect(parsePolicy(text, 'example.policy').diagnostics, text).toEqual([]);
    for (const text of statements) expect(parsePolicy(`rule "r" {\n${text}}\n`, 'example.policy').diagnostics, text).toEqual([]);
  });
});
