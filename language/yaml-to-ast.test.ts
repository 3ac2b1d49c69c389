import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolicyFile } from './ast.ts';
import { formatPolicy } from './ast-to-text.ts';
import { astToYaml, yamlConversionProblems, yamlNormalForm } from './ast-to-yaml.ts';
import { POLICY_SCHEMA, SCHEMA_ANNOTATIONS } from './policy-schema.ts';
import { arbPolicyFile } from './testing/arbitrary-ast.ts';
import { checkRanges } from './testing/check-ranges.ts';
import { showRange } from './testing/dump-ast.ts';
import { parsePolicy } from './text-to-ast.ts';
import { parseYamlPolicy } from './yaml-to-ast.ts';
import { declarationsWithoutRanges } from './testing/strip-ranges.ts';

const root = join(import.meta.dirname, '..');
const sketch = readFileSync(join(root, 'spec/fixtures/retail.policy'), 'utf8');

const shape = declarationsWithoutRanges;

/** Parses YAML that must be clean. */
function clean(text: string): PolicyFile {
  const r = parseYamlPolicy(text, 't.policy.yaml');
  expect(r.diagnostics, text).toEqual([]);
  expect(checkRanges(r.ast, r.diagnostics, text)).toEqual([]);
  return r.ast;
}

/** The diagnostics of a YAML text as `code line:col-line:col`. */
function problems(text: string): string[] {
  const r = parseYamlPolicy(text, 't.policy.yaml');
  expect(checkRanges(r.ast, r.diagnostics, text)).toEqual([]);
  return r.diagnostics.map((d) => `${d.code} ${showRange(d.range)}`);
}

describe('the sketch in YAML', () => {
  const policy = parsePolicy(sketch, 'retail.policy');
  const yaml = astToYaml(policy.ast);

  it('has a golden YAML form', async () => {
    expect(policy.diagnostics).toEqual([]);
    await expect(yaml).toMatchFileSnapshot('../spec/fixtures/retail.policy.yaml');
  });

  it('reads back as the same AST', () => {
    expect(shape(clean(yaml))).toEqual(shape(policy.ast));
  });

  it('converts back to .policy text with the same AST', () => {
    const text = formatPolicy(clean(yaml));
    const back = parsePolicy(text, 'retail.policy');
    expect(back.diagnostics).toEqual([]);
    expect(shape(back.ast)).toEqual(shape(policy.ast));
  });

  it('keeps the comments', () => {
    expect(yaml.startsWith('# retail.policy\n')).toBe(true);
    expect(clean(yaml).comments.map((c) => c.text)).toEqual([' retail.policy']);
  });

  it('gives every node the range of its own YAML node', () => {
    const ast = clean(yaml);
    const rule = ast.declarations.find((d) => d.kind === 'rule')!;
    expect(rule.kind === 'rule' && showRange(rule.name.range)).toBe(`${lineOf(yaml, 'rule: retail-ads')}:11-${lineOf(yaml, 'rule: retail-ads')}:21`);
    const when = rule.kind === 'rule' ? rule.body.find((s) => s.kind === 'when' && s.trigger.type === 'flood') : undefined;
    const line = lineOf(yaml, 'flood:');
    expect(when?.kind === 'when' && when.trigger.type === 'flood' && showRange(when.trigger.window.range)).toBe(`${line}:48-${line}:51`);
  });
});

function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

describe('the schema', () => {
  it('is written to spec/policy.schema.json', async () => {
    await expect(`${JSON.stringify(POLICY_SCHEMA, null, 2)}\n`).toMatchFileSnapshot('../spec/policy.schema.json');
  });

  it('is a valid draft-07 schema that compiles in strict mode', () => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    ajv.addVocabulary([...SCHEMA_ANNOTATIONS]);
    expect(ajv.validateSchema(POLICY_SCHEMA)).toBe(true);
    expect(() => ajv.compile(POLICY_SCHEMA)).not.toThrow();
  });

  it('titles and describes every property, and closes every mapping', () => {
    const bad: string[] = [];
    const walk = (s: unknown, path: string) => {
      if (Array.isArray(s)) return s.forEach((x, i) => walk(x, `${path}/${i}`));
      if (!s || typeof s !== 'object') return;
      const o = s as Record<string, unknown>;
      if (o.type === 'object' && o.additionalProperties !== false) bad.push(`${path}: open mapping`);
      for (const [k, p] of Object.entries((o.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (typeof p.description !== 'string' && typeof p.$ref !== 'string') bad.push(`${path}/${k}: no description`);
        if (typeof p.$ref === 'string' && typeof p.description !== 'string') {
          const target = (POLICY_SCHEMA.definitions as Record<string, Record<string, unknown>>)[p.$ref.split('/').pop()!];
          if (typeof target.description !== 'string') bad.push(`${path}/${k}: no description`);
        }
      }
      for (const [k, x] of Object.entries(o)) if (k !== 'enum' && k !== 'examples' && k !== 'defaultSnippets') walk(x, `${path}/${k}`);
    };
    walk(POLICY_SCHEMA, '#');
    expect(bad).toEqual([]);
  });
});

describe('schema errors are reported at the node', () => {
  const cases: [string, string, string[]][] = [
    ['a misspelt top-level key', 'enterprise: acme\nlimit: wecom-4.1.36\n', ['hush/yaml/unknown-property 2:1-2:6']],
    ['a misspelt rule key', 'rules:\n  - rule: r\n    grups: [g-1]\n', ['hush/yaml/unknown-property 3:5-3:10']],
    ['a list where a string goes', 'rules:\n  - rule: r\n    owner: {super-admin: [a, b]}\n', ['hush/yaml/wrong-type 3:26-3:32']],
    ['a string where a list goes', 'rules:\n  - rule: r\n    groups: g-1\n', ['hush/yaml/wrong-type 3:13-3:16']],
    ['an unknown trigger', 'rules:\n  - rule: r\n    when:\n      - trigger: keywrd\n        then: recall\n', ['hush/yaml/unknown-value 4:18-4:24']],
    ['a misspelt action', 'rules:\n  - rule: r\n    when:\n      - trigger: link\n        then: [recall, {muet: 30m}]\n', ['hush/yaml/unknown-property 5:25-5:29']],
    ['an action word that needs a value', 'rules:\n  - rule: r\n    when:\n      - trigger: link\n        then: [mute]\n', ['hush/yaml/wrong-type 5:16-5:20']],
    ['a when without then', 'rules:\n  - rule: r\n    when:\n      - trigger: link\n', ['hush/yaml/missing-property 4:9-4:22']],
    ['a flood without its window', 'rules:\n  - rule: r\n    when:\n      - trigger: {flood: {messages: 5}}\n        then: recall\n', ['hush/yaml/missing-property 4:26-4:39']],
    ['a rule without a name', 'rules:\n  - groups: [g]\n', ['hush/yaml/missing-property 2:5-2:16']],
    ['an empty list', 'exempt:\n  customers: []\n', ['hush/yaml/empty 2:14-2:16']],
    ['a personal blacklist without a list', 'blacklist:\n  personal:\n    - of: li.lei\n', ['hush/yaml/missing-property 3:7-3:17']],
    ['a category that is not a name', 'categories:\n  - category: coupon spam\n', ['hush/yaml/bad-name 2:15-2:26']],
    ['a number for a duration', 'ladders:\n  - ladder: l\n    expire-after: 90\n', ['hush/yaml/wrong-type 3:19-3:21']],
    ['an empty value', 'enterprise:\n', ['hush/yaml/wrong-type 1:1-1:11']],
    ['a bad sanction', 'ladders:\n  - ladder: l\n    steps:\n      - step: 1\n        sanctions: [{ban: boss}]\n', ['hush/yaml/unknown-value 5:27-5:31']],
    ['a suspension without `for`', 'ladders:\n  - ladder: l\n    severe: {sanctions: [{suspend: interop}]}\n', ['hush/yaml/missing-property 3:26-3:44']],
    ['`yes` for a flag', 'ladders:\n  - ladder: l\n    severe: {sanctions: [], appealable: yes}\n', ['hush/yaml/wrong-type 3:41-3:44']],
    ['a top level that is a list', '- rule: r\n', ['hush/yaml/wrong-type 1:1-1:10']],
    ['an empty linked line', 'ladders:\n  - ladder: l\n    while-linked-blocked: {}\n', ['hush/yaml/empty 3:27-3:29']],
    ['a linked line with no sanction in its list', 'ladders:\n  - ladder: l\n    while-linked-blocked: {sanctions: []}\n', ['hush/yaml/empty 3:39-3:41']],
    ['members mixing a file and ids', 'ladders:\n  - ladder: l\n    members: [{from: a.txt}, m-1]\n', ['hush/yaml/wrong-type 3:15-3:28']],
    ['a misspelt threshold', 'quotas:\n  - quota: contact-add\n    adjust:\n      - {raise: 5, when: {usage: {above: 80%}}}\n', ['hush/yaml/unknown-property 4:35-4:40']],
    ['a threshold without `%`', 'quotas:\n  - quota: contact-add\n    adjust:\n      - {raise: 5, when: {usage: {over: 80}}}\n', ['hush/yaml/wrong-type 4:41-4:43']],
    ['two thresholds', 'quotas:\n  - quota: contact-add\n    adjust:\n      - {raise: 5, when: {usage: {over: 1%, under: 2%}}}\n', ['hush/yaml/unknown-property 4:45-4:50']],
    ['an adjustment without its condition', 'quotas:\n  - quota: contact-add\n    adjust:\n      - {lower: 5}\n', ['hush/yaml/missing-property 4:9-4:19']],
    ['an unknown condition', 'quotas:\n  - quota: contact-add\n    adjust:\n      - {raise: 5, when: not completed}\n', ['hush/yaml/unknown-value 4:26-4:39']],
    ['a quota without its kind', 'quotas:\n  - daily: 10\n', ['hush/yaml/missing-property 2:5-2:14']],
  ];
  for (const [what, text, want] of cases) {
    it(what, () => expect(problems(text)).toEqual(want));
  }

  it('says what was meant', () => {
    const [d] = parseYamlPolicy('rules:\n  - rule: r\n    grups: [g-1]\n', 't').diagnostics;
    expect(d.message).toBe('unknown property `grups`');
    expect(d.help).toBe('did you mean `groups`?');
    const [m] = parseYamlPolicy('rules:\n  - rule: r\n    when:\n      - trigger: link\n        then: [{muet: 30m}]\n', 't').diagnostics;
    expect(m.help).toBe('did you mean `mute`?');
  });

  it('leaves out only the statement with the problem', () => {
    const r = parseYamlPolicy('rules:\n  - rule: r\n    grups: [g-1]\n    groups: [g-2]\n    when:\n      - trigger: keywrd\n        then: recall\n      - trigger: link\n        then: recall\n', 't');
    const rule = r.ast.declarations[0];
    expect(rule.kind === 'rule' && rule.body.map((s) => s.kind)).toEqual(['groups', 'when']);
  });

  it('reports several problems of one file at once', () => {
    expect(problems('limit: x\nrules:\n  - rule: r\n    grups: [g]\n  - rule: [r]\n')).toEqual([
      'hush/yaml/unknown-property 1:1-1:6',
      'hush/yaml/unknown-property 4:5-4:10',
      'hush/yaml/wrong-type 5:11-5:14',
    ]);
  });
});

describe('literals', () => {
  it('reports a bad duration with the code of the .policy form', () => {
    expect(problems('rules:\n  - rule: r\n    when:\n      - trigger: link\n        then: {mute: 30x}\n')).toEqual(['hush/syntax/bad-duration 5:22-5:25']);
    expect(problems('ladders:\n  - ladder: l\n    expire-after: 9999w\n')).toEqual(['hush/syntax/bad-duration 3:19-3:24']);
  });

  it('reports a number that is too large', () => {
    expect(problems('rules:\n  - rule: r\n    when:\n      - trigger: {length: {over: 5000000000}}\n        then: recall\n')).toEqual(['hush/syntax/bad-number 4:34-4:44']);
  });

  it('takes a plain number as written where a string goes', () => {
    const ast = clean('rules:\n  - rule: 2024\n    configured-on: 4.10\n    groups: [1001, 007]\n');
    expect(shape(ast)).toMatchObject([{ name: { value: '2024' }, body: [{ version: { value: '4.10' } }, { list: { items: [{ value: '1001' }, { value: '007' }] } }] }]);
  });

  it('leaves unknown normalisation steps to the checker', () => {
    const ast = clean('normalize: [case, sparkle]\n');
    expect(shape(ast)).toMatchObject([{ kind: 'normalize', steps: [{ name: 'case' }, { name: 'sparkle' }] }]);
  });

  it('reads `ban … for: forever` apart from a ban without `for`', () => {
    const ast = clean('ladders:\n  - ladder: l\n    severe:\n      sanctions: [{ban: member, for: forever}, {ban: admin}]\n');
    expect(shape(ast)).toMatchObject([{ body: [{ sanctions: [{ verb: 'ban', target: 'member', duration: { text: 'forever', ms: null } }, { verb: 'ban', target: 'admin' }] }] }]);
    expect((shape(ast) as { body: { sanctions: object[] }[] }[])[0].body[0].sanctions[1]).not.toHaveProperty('duration');
  });

  it('reads held sanctions without `for`, and keeps a `for` there for the checker to refuse', () => {
    const ast = clean('ladders:\n  - ladder: l\n    while-linked-blocked:\n      sanctions: [{suspend: interop}, {ban: admin, for: 1h}]\n      restore-within: 24h\n');
    expect(shape(ast)).toEqual([
      {
        kind: 'ladder',
        name: { value: 'l' },
        body: [
          {
            kind: 'linked',
            sanctions: [{ verb: 'suspend', target: 'interop' }, { verb: 'ban', target: 'admin', duration: { text: '1h', ms: 3_600_000 } }],
            restore: { text: '24h', ms: 86_400_000 },
          },
        ],
      },
    ]);
  });

  it('reads a quota with its adjustments in order and its percentages as written', () => {
    const ast = clean('quotas:\n  - quota: contact-add\n    daily: 100\n    adjust:\n      - {lower: 30, when: {blocks: {over: 2.50%}}}\n      - {raise: 100, when: not complete}\n    timezone: +08:00\n');
    expect(shape(ast)).toEqual([
      {
        kind: 'quota',
        name: { name: 'contact-add' },
        body: [
          { kind: 'daily', count: { value: 100 } },
          { kind: 'adjust', direction: 'lower', amount: { value: 30 }, condition: { factor: 'blocks', op: 'over', threshold: { text: '2.50%', percent: 2.5 } } },
          { kind: 'adjust', direction: 'raise', amount: { value: 100 }, condition: { factor: 'complete', negated: true } },
          { kind: 'timezone', offset: { value: '+08:00' } },
        ],
      },
    ]);
  });

  it('reads lists mixing entries and files as one statement each, in order', () => {
    const ast = clean('rules:\n  - rule: r\n    groups:\n      - from: a.txt\n      - g-1\n      - g-2\n    keywords: [spam, {whole-word: [ham]}, {from: k.txt}]\n');
    const rule = ast.declarations[0];
    expect(rule.kind === 'rule' && rule.body.map((s) => (s.kind === 'groups' || s.kind === 'keywords' ? `${s.kind}:${s.list.kind}${s.kind === 'keywords' && s.wholeWord ? ':whole' : ''}` : s.kind))).toEqual([
      'groups:file',
      'groups:inline',
      'keywords:inline',
      'keywords:inline:whole',
      'keywords:file',
    ]);
  });
});

describe('YAML syntax errors', () => {
  it('are reported where the YAML package finds them', () => {
    expect(problems('enterprise: acme\nrules: [a, b\nlimits: x\n')).toEqual(['hush/yaml/syntax 3:1-3:2']);
    // A string without its closing quote is reported where the quote is missing: the end of the file.
    expect(problems('enterprise: "acme\n')).toContain('hush/yaml/syntax 2:1-2:1');
  });

  it('report a duplicate key at the second key', () => {
    expect(problems('enterprise: a\nenterprise: b\n')).toEqual(['hush/yaml/duplicate-key 2:1-2:11']);
  });

  it('refuse a second document', () => {
    expect(problems('enterprise: a\n---\nlimits: b\n')).toEqual(['hush/yaml/multiple-documents 2:1-3:10']);
  });

  it('read an empty file as an empty policy', () => {
    expect(clean('').declarations).toEqual([]);
    expect(clean('# nothing yet\n').comments.map((c) => c.text)).toEqual([' nothing yet']);
  });

  it('never throw, and keep every range valid, whatever the text', () => {
    const yaml = astToYaml(parsePolicy(sketch, 'retail.policy').ast);
    const mutated = fc.tuple(fc.nat(yaml.length), fc.nat(8), fc.string({ maxLength: 6 })).map(([at, cut, ins]) => yaml.slice(0, at) + ins + yaml.slice(at + cut));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), mutated, fc.constantFrom('a: &a [*a]\n', 'a: !!binary xyz\n', '? [a]\n: b\n', '{', '- - - -', 'rules: *x\n')), (text) => {
        const r = parseYamlPolicy(text, 't');
        expect(checkRanges(r.ast, r.diagnostics, text)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuse an alias bomb quickly', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
    const start = Date.now();
    const r = parseYamlPolicy(`${lines.join('\n')}\n`, 't');
    expect(Date.now() - start).toBeLessThan(2000);
    expect(r.diagnostics.length).toBeGreaterThan(0);
  });
});

describe('round trips over random ASTs', () => {
  it('reads the YAML of any AST back as its normal form', () => {
    fc.assert(
      fc.property(arbPolicyFile({ form: 'yaml' }), (ast) => {
        const yaml = astToYaml(ast);
        const back = parseYamlPolicy(yaml, ast.file);
        expect(back.diagnostics, yaml).toEqual([]);
        expect(checkRanges(back.ast, back.diagnostics, yaml)).toEqual([]);
        expect(shape(back.ast), yaml).toEqual(shape(yamlNormalForm(ast)));
      }),
      { numRuns: 1000 },
    );
  });

  it('changes nothing in an AST already in normal form', () => {
    fc.assert(
      fc.property(arbPolicyFile(), (ast) => {
        const once = yamlNormalForm(ast);
        expect(shape(yamlNormalForm(once))).toEqual(shape(once));
        expect(astToYaml(once)).toBe(astToYaml(ast));
        expect(yamlConversionProblems(once)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('goes from YAML to .policy text and back to YAML unchanged', () => {
    fc.assert(
      fc.property(arbPolicyFile({ form: 'yaml' }), (ast) => {
        const yaml = astToYaml(ast);
        const fromYaml = parseYamlPolicy(yaml, 't.policy.yaml').ast;
        const text = formatPolicy(fromYaml);
        const policy = parsePolicy(text, 't.policy');
        expect(policy.diagnostics, text).toEqual([]);
        expect(shape(policy.ast)).toEqual(shape(fromYaml));
        expect(astToYaml(policy.ast)).toBe(yaml);
      }),
      { numRuns: 300 },
    );
  });

  it('reports what the YAML form cannot hold', () => {
    const ast = parsePolicy('enterprise "a"\nenterprise "b"\nrule "r" { announce "x" announce "y" }\n', 't.policy').ast;
    expect(yamlConversionProblems(ast).map((d) => `${d.code} ${showRange(d.range)}`)).toEqual([
      'hush/yaml/not-expressible 2:1-2:15',
      'hush/yaml/not-expressible 3:25-3:37',
    ]);
  });

  it('reports a ladder\'s second `members` or linked line and a quota\'s second `daily` as not expressible', () => {
    const text = [
      'ladder "l" {',
      '  members "a"',
      '  members "b"',
      '  while linked blocked: suspend interop, restore within 1h',
      '  while linked blocked: ban admin, restore within 2h',
      '}',
      'quota contact-add {',
      '  daily 1',
      '  raise 1 when complete',
      '  daily 2',
      '  raise 2 when compliant',
      '}',
      '',
    ].join('\n');
    const ast = parsePolicy(text, 't.policy').ast;
    expect(yamlConversionProblems(ast).map((d) => `${d.code} ${showRange(d.range)}`)).toEqual([
      'hush/yaml/not-expressible 3:3-3:14',
      'hush/yaml/not-expressible 5:3-5:53',
      'hush/yaml/not-expressible 10:3-10:10',
    ]);
    const back = clean(astToYaml(ast));
    expect(formatPolicy(back)).toBe(
      'ladder "l" {\n  members "a"\n  while linked blocked: suspend interop, restore within 1h\n}\n\nquota contact-add {\n  daily 1\n  raise 1 when complete\n  raise 2 when compliant\n}\n',
    );
  });
});

describe('comments', () => {
  it('stay before the statement they preceded, or at the end of its line', () => {
    const text = '# head\nenterprise "a"\nrule "r" {\n  # the groups\n  groups "g"\n  when link then recall # end of line\n}\n# tail\n';
    const yaml = astToYaml(parsePolicy(text, 't.policy').ast);
    expect(yaml).toContain('# head\nenterprise: a');
    expect(yaml).toMatch(/# the groups\n\s+groups: \[g\]/);
    expect(yaml).toMatch(/then: \[recall\] # end of line\n\n# tail\n$/);
    expect(clean(yaml).comments.map((c) => c.text)).toEqual([' head', ' the groups', ' end of line', ' tail']);
  });
});
