// A rule's own exemptions and windows (`exempt customers`, `during`) in both front ends: they read
// the same from text and YAML, convert both ways, format back to the text written, and a bad time
// is the same diagnostic in either form.
import { describe, expect, it } from 'vitest';
import { astToYaml, formatPolicy, parsePolicy, parseYamlPolicy } from './index.ts';
import { stripRanges } from './testing/strip-ranges.ts';

const TEXT = `rule "night" {
  groups "g-1"
  keywords "加微信"
  exempt customers "c-1", "c-2"
  during 22:00-07:00
  during 12:00-13:00
  during days from "lists/exam-days.txt"
  during days "2026-06-07"
  when keyword then recall
}
`;

describe('rule windows and exemptions, text and YAML', () => {
  const text = parsePolicy(TEXT, 'p.policy');

  it('parse without diagnostics and format back to the same text', () => {
    expect(text.diagnostics).toEqual([]);
    expect(formatPolicy(text.ast)).toBe(TEXT);
    // `9:00 - 10:30` is written back in the canonical form.
    expect(formatPolicy(parsePolicy('rule "r" {\n  during 9:00 - 10:30\n}\n', 'p.policy').ast)).toBe('rule "r" {\n  during 09:00-10:30\n}\n');
  });

  it('convert to YAML and back to the same AST and text', () => {
    const yaml = astToYaml(text.ast);
    expect(yaml).toContain('exempt:\n      customers: [c-1, c-2]');
    expect(yaml).toContain('during: [22:00-07:00, 12:00-13:00]');
    expect(yaml).toContain('during-days:');
    const back = parseYamlPolicy(yaml, 'p.policy.yaml');
    expect(back.diagnostics).toEqual([]);
    expect(stripRanges({ ...back.ast, form: 'policy' })).toEqual(stripRanges(text.ast));
    expect(formatPolicy(back.ast)).toBe(TEXT);
  });

  it('reports a bad time in YAML as in text', () => {
    const fromText = parsePolicy('rule "r" {\n  during 25:00-07:00\n}\n', 'p.policy');
    const fromYaml = parseYamlPolicy('rules:\n  - rule: r\n    during: ["25:00-07:00"]\n', 'p.policy.yaml');
    expect(fromText.diagnostics.map((d) => [d.code, d.message])).toEqual([['hush/syntax/bad-time', '`25:00` is not a time of day']]);
    expect(fromYaml.diagnostics.map((d) => [d.code, d.message, d.range.start.line])).toEqual([['hush/syntax/bad-time', '`25:00` is not a time of day', 3]]);
  });

  it('the YAML form rejects a time window of the wrong shape', () => {
    const r = parseYamlPolicy('rules:\n  - rule: r\n    during: ["tonight"]\n    exempt: {members: [m-1]}\n', 'p.policy.yaml');
    expect(r.diagnostics.map((d) => d.code).sort()).toEqual(['hush/syntax/bad-time', 'hush/yaml/missing-property', 'hush/yaml/unknown-property']);
  });
});
