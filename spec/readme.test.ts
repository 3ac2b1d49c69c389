// The README's policy snippets are the first Hush a reader sees: each must still parse, with no
// syntax error, as the language grows (the language reference's own examples are checked by
// spec/language-doc.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../language/index.ts';

const README = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
const snippets = [...README.matchAll(/```policy\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('README policy snippets', () => {
  it('has some', () => {
    expect(snippets.length).toBeGreaterThan(0);
  });
  it.each(snippets.map((s, i) => [i + 1, s] as const))('snippet %i parses without a syntax error', (_, text) => {
    const errors = parsePolicy(text, 'README.policy').diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });
});
