// Variant lines and pattern keywords in both forms: `.policy` text to YAML (`variants:` with
// `of` and `spellings` or `from`; a rule's `patterns:`, backslashes as themselves), back to the
// same AST, and back to the same text through `hush fmt`; the YAML validates against the schema.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { formatPolicy } from './ast-to-text.ts';
import { astToYaml } from './ast-to-yaml.ts';
import { POLICY_SCHEMA, SCHEMA_ANNOTATIONS } from './policy-schema.ts';
import { parsePolicy } from './text-to-ast.ts';
import { parseYamlPolicy } from './yaml-to-ast.ts';
import { declarationsWithoutRanges } from './testing/strip-ranges.ts';

const shape = declarationsWithoutRanges;

const TEXT = `normalize case, width, symbols, variants
variants of "微信" "威芯", "vei xin"   # seen in March
variants of "上门" from "lists/shangmen.txt"

rule "phones" {
  groups "g-1"
  pattern "1[3-9]\\\\d{9}", "加.{0,2}微"
  pattern from "lists/patterns.txt"
  keywords "加微信"
  when keyword then recall
}
`;

const ajv = new Ajv({ strict: true, allowUnionTypes: true });
ajv.addVocabulary([...SCHEMA_ANNOTATIONS]);
const validate = ajv.compile(POLICY_SCHEMA);

describe('variant lines and patterns in YAML', () => {
  const policy = parsePolicy(TEXT, 'p.policy');
  const yaml = astToYaml(policy.ast);

  it('write `variants:` and `patterns:` as the schema says', () => {
    expect(policy.diagnostics).toEqual([]);
    const data = parseYaml(yaml);
    expect(data.variants).toEqual([
      { of: '微信', spellings: ['威芯', 'vei xin'] },
      { of: '上门', from: 'lists/shangmen.txt' },
    ]);
    expect(data.rules[0].patterns).toEqual(['1[3-9]\\d{9}', '加.{0,2}微', { from: 'lists/patterns.txt' }]);
    expect(yaml).toContain('# seen in March');
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
  });

  it('read back as the same AST, and format back to the same text', () => {
    const back = parseYamlPolicy(yaml, 'p.policy.yaml');
    expect(back.diagnostics).toEqual([]);
    expect(shape(back.ast)).toEqual(shape(policy.ast));
    expect(formatPolicy(back.ast)).toBe(formatPolicy(policy.ast));
  });

  it('refuse a variant line without its spellings, at its node', () => {
    const r = parseYamlPolicy('variants:\n  - of: 微信\n', 'p.policy.yaml');
    expect(r.diagnostics.map((d) => [d.code, d.range.start.line])).toEqual([[expect.stringMatching(/^hush\/yaml\//), 2]]);
    expect(r.ast.declarations).toEqual([]);
  });
});
