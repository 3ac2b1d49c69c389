// `hush convert` writes YAML that every reader types alike: a string that a YAML 1.1 reader
// (PyYAML, SnakeYAML, go-yaml v2) would read as a boolean, a number or a date is quoted. The
// `yaml` package reads with the YAML 1.1 schema when asked, so the test reads as those readers do.
import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { astToYaml } from './ast-to-yaml.ts';
import { quoteString } from './string-literal.ts';
import { parsePolicy } from './text-to-ast.ts';

function keywordsAsYaml11(keywords: string[]): unknown {
  const text = `enterprise "e"\nlimits "wecom-4.1.36"\nrule "r" {\n  owner member "m"\n  groups ${keywords.map(quoteString).join(', ')}\n  keywords ${keywords.map(quoteString).join(', ')}\n  when keyword then recall\n}\n`;
  const { ast } = parsePolicy(text, 'p.policy');
  const doc = parse(astToYaml(ast), { version: '1.1' }) as { rules: { groups: unknown[]; keywords: unknown[] }[] };
  return doc.rules[0];
}

const AMBIGUOUS = ['0:1', 'e0', '1e5', '-E12', 'yes', 'No', 'on', 'OFF', 'y', 'n', '12:30:00', '1:20', '2026-01-01', '2026-01-01 10:00:00', '0777', '0b101', '1_000', '.inf', '-.5', '~', 'null', '<<', '='];

describe('YAML written for every reader', () => {
  it('quotes the strings a YAML 1.1 reader would type otherwise', () => {
    const rule = keywordsAsYaml11(AMBIGUOUS) as { groups: unknown[]; keywords: unknown[] };
    expect(rule.groups).toEqual(AMBIGUOUS);
    expect(rule.keywords).toEqual(AMBIGUOUS);
  });

  it('round-trips any keyword as a string under YAML 1.1 (fast-check)', () => {
    const word = fc.oneof(fc.constantFrom(...AMBIGUOUS, 'yes!', '12:30', 'x:1'), fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s.trim() === s && s.trim() !== ''));
    fc.assert(
      fc.property(fc.uniqueArray(word, { minLength: 1, maxLength: 6 }), (ws) => {
        const rule = keywordsAsYaml11(ws) as { keywords: unknown[] } | undefined;
        if (!rule?.keywords) return; // a keyword the language refuses is not this test's subject
        for (const k of rule.keywords) expect(typeof k).toBe('string');
      }),
      { numRuns: 300 },
    );
  });

  it('writes bidi controls and invisible characters as escapes, and reads them back (fast-check)', () => {
    const INVISIBLE = ['\u202e', '\u202a', '\u2066', '\u061c', '\u200e', '\ufeff', '\u200b', '\u200d', '\u00ad', '\u2060', '\u180e', '\u{e0041}', '\u3164', '\u034f', '\u2028'];
    const word = fc.array(fc.oneof(fc.constantFrom(...INVISIBLE), fc.constantFrom('a', '加', 'x y', '😀')), { minLength: 1, maxLength: 6 }).map((xs) => `k${xs.join('')}`);
    fc.assert(
      fc.property(fc.uniqueArray(word, { minLength: 1, maxLength: 4 }), (ws) => {
        const text = `enterprise "e"\nlimits "wecom-4.1.36"\n# a comment with \u202e in it\nrule ${quoteString(ws[0])} {\n  owner member "m"\n  groups "g"\n  keywords ${ws.map(quoteString).join(', ')}\n  when keyword then warn ${quoteString(ws[0])}\n}\n`;
        const { ast } = parsePolicy(text, 'p.policy');
        const yaml = astToYaml(ast);
        for (const ch of INVISIBLE) expect(yaml).not.toContain(ch);
        const doc = parse(yaml, { version: '1.1' }) as { rules: { rule: string; keywords: string[] }[] };
        expect(doc.rules[0].rule).toBe(ws[0]);
        expect(doc.rules[0].keywords).toEqual(ws);
      }),
      { numRuns: 200 },
    );
  });
});
