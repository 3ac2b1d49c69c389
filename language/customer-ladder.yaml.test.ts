// Customer ladders in both front ends: `for customers` and the customer sanctions read the same
// from text and YAML, convert both ways, and format back to the text written.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { astToYaml, formatPolicy, parsePolicy, parseYamlPolicy } from './index.ts';

const TEXT = readFileSync(new URL('../spec/parser/0071_customer_ladder.policy', import.meta.url), 'utf8');

describe('customer ladders, text and YAML', () => {
  const text = parsePolicy(TEXT, 'p.policy');

  it('parse without diagnostics and format back to the same text', () => {
    expect(text.diagnostics).toEqual([]);
    expect(formatPolicy(text.ast)).toBe(TEXT);
  });

  it('convert to YAML and back to the same text', () => {
    const yaml = astToYaml(text.ast);
    expect(yaml).toContain('for: customers');
    expect(yaml).toContain('{mute: customer, for: 1h}');
    expect(yaml).toContain('{blacklist: enterprise}');
    expect(yaml).toContain('{remove: customer}');
    const back = parseYamlPolicy(yaml, 'p.policy.yaml');
    expect(back.diagnostics).toEqual([]);
    expect(formatPolicy(back.ast)).toBe(TEXT);
  });

  it('the YAML form rejects a customer sanction of the wrong shape', () => {
    const bad = `ladders:\n  - ladder: l\n    for: customers\n    counts: [fraud]\n    steps:\n      - {step: 1, sanctions: [{mute: customer}]}\n      - {step: 2, sanctions: [{remove: everyone}]}\n`;
    const r = parseYamlPolicy(bad, 'p.policy.yaml');
    expect(r.diagnostics.length).toBeGreaterThanOrEqual(2);
    expect(r.diagnostics.every((d) => d.code.startsWith('hush/yaml/') && d.range.start.line >= 6)).toBe(true);
  });
});
