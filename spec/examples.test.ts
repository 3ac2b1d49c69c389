// Every folder of examples/ is a policy set of its own and checks clean: no error, no warning.
// Information diagnostics are allowed (the retail rule's batch plan is one, and is asserted).
// The generated list files must also match their generator, so the committed fixtures and
// scripts/gen-example-lists.ts cannot drift apart.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkPolicySet } from '../compiler/check.ts';
import { exampleLists } from '../scripts/gen-example-lists.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLES = join(ROOT, 'examples');
// examples/ci/ holds the CI workflow and its corpus, not a policy set.
const folders = readdirSync(EXAMPLES).filter((f) => statSync(join(EXAMPLES, f)).isDirectory() && f !== 'ci').sort();

describe('examples', () => {
  it('has the seed scenarios and the penalty rules', () => {
    expect(folders).toEqual(expect.arrayContaining(['education', 'penalties', 'restaurant', 'retail']));
  });

  it.each(folders)('%s checks clean', (folder) => {
    const { diagnostics, files, model } = checkPolicySet([join(EXAMPLES, folder)]);
    expect(files.length).toBeGreaterThan(0);
    const problems = diagnostics
      .filter((d) => d.severity === 'error' || d.severity === 'warning')
      .map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column} ${d.code} ${d.message}`);
    expect(problems).toEqual([]);
    expect(model.rules.length + model.ladders.length).toBeGreaterThan(0);
  });

  it('retail applies one rule to 5,000 groups and gets the three-batch plan', () => {
    const { diagnostics, model } = checkPolicySet([join(EXAMPLES, 'retail')]);
    const rule = model.rules.find((r) => r.name === 'retail-ads')!;
    expect(rule.groups.reduce((n, l) => n + l.values.length, 0)).toBe(5000);
    expect(model.exempt.reduce((n, l) => n + l.values.length, 0)).toBe(200);
    const infos = diagnostics.filter((d) => d.severity === 'info').map((d) => d.code);
    expect(infos).toEqual(['hush/limit/groups-per-operation']);
  });

  it('penalties has the three WeCom penalty rules as ladders', () => {
    const { model } = checkPolicySet([join(EXAMPLES, 'penalties')]);
    const counted = new Map(model.ladders.map((l) => [l.name, l.counts.map((c) => c.name)]));
    expect([...counted.keys()].sort()).toEqual(['content-and-account', 'interop-abuse', 'linked-wechat-account']);
    expect(counted.get('interop-abuse')).toEqual(['harassment', 'inducing-share', 'contact-abuse']);
    expect(counted.get('linked-wechat-account')).toEqual(['linked-account']);
    expect(counted.get('content-and-account')).toHaveLength(14);
    // Penalty rule 2 is the linked-account line, restored within the seed's 24 hours.
    const linked = model.ladders.find((l) => l.name === 'linked-wechat-account')!;
    expect([linked.steps.length, linked.linked?.sanctions.map((x) => `${x.verb} ${x.target}`), linked.linked?.restore?.ms]).toEqual([0, ['suspend interop'], 86_400_000]);
    // The daily contact-add quota uses every kind of condition.
    const [quota] = model.quotas;
    const conditions = new Set(quota.decl.body.flatMap((s) => (s.kind !== 'adjust' ? [] : ['negated' in s.condition ? `${s.condition.negated ? 'not ' : ''}${s.condition.factor}` : `${s.condition.factor} ${s.condition.op}`])));
    expect([...conditions].sort()).toEqual([
      'blocks over', 'complaints over', 'complaints under', 'complete', 'compliant', 'deletions over', 'not complete', 'not compliant', 'usage over', 'usage under',
    ]);
  });

  it('generated list files match scripts/gen-example-lists.ts', () => {
    for (const [rel, text] of exampleLists()) expect(readFileSync(join(ROOT, rel), 'utf8'), rel).toBe(text);
  });
});
