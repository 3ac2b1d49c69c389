// Hush's own limit on the rules of one policy set (spec/hush-limits.json): the rule past it gets
// `hush/limit/rules-per-set` at its `rule` word, in whichever file and front end it is, and the
// rules past it are not read (a `.policy` text is cut before its lexer runs). The sets are
// generated here, just over the limit, from one-line rules so that the test stays fast.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nthRuleWord, parsePolicy } from '../language/text-to-ast.ts';
import { checkPolicySet, parseFile } from './check.ts';
import { hushLimit } from './load/limits-profile.ts';

const MAX = hushLimit('rules-per-set').max;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function policySet(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hush-rules-per-set-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** `n` rules, one a line, from `from` (the members' quotas of 1,000 are kept: no other error). */
function rules(n: number, from = 0): string {
  const out: string[] = [];
  for (let i = from; i < from + n; i++) out.push(`rule "r${i}" { owner member "m${Math.floor(i / 1000)}" }\n`);
  return out.join('');
}

function limitDiagnostics(dir: string) {
  const r = checkPolicySet(['.'], { cwd: dir });
  return { r, over: r.diagnostics.filter((d) => d.code === 'hush/limit/rules-per-set') };
}

describe('hush/limit/rules-per-set', () => {
  it('is a limit of Hush read from spec/hush-limits.json, with its reason', () => {
    expect(MAX).toBeGreaterThan(1_000);
    expect(hushLimit('rules-per-set').why).not.toBe('');
  });

  it('passes a set of exactly the limit', () => {
    const { r, over } = limitDiagnostics(policySet({ 'p.policy': `enterprise "e"\n${rules(MAX)}` }));
    expect(over).toEqual([]);
    expect(r.model.rules.length).toBe(MAX);
  });

  it('reports the first rule over the limit at its `rule` word, and reads no rule past it', () => {
    const { r, over } = limitDiagnostics(policySet({ 'p.policy': `enterprise "e"\n${rules(MAX + 2)}` }));
    expect(over.length).toBe(1);
    expect(over[0].severity).toBe('error');
    expect(over[0].file).toBe('p.policy');
    // Line 1 is the enterprise; rule i is on line i + 2.
    expect(over[0].range.start).toMatchObject({ line: MAX + 2, column: 1 });
    expect(over[0].range.end).toMatchObject({ line: MAX + 2, column: 5 });
    expect(r.model.rules.length).toBe(MAX);
  });

  it('is reported the same when the caller parses (the language server): the rules are cut after parsing', () => {
    const dir = policySet({ 'p.policy': `enterprise "e"\n${rules(MAX + 1)}` });
    const r = checkPolicySet(['.'], { cwd: dir, parse: (text, file, form) => parseFile(text, file, form) });
    const over = r.diagnostics.filter((d) => d.code === 'hush/limit/rules-per-set');
    expect(over.map((d) => [d.range.start.line, d.range.start.column, d.range.end.column])).toEqual([[MAX + 2, 1, 5]]);
    expect(r.model.rules.length).toBe(MAX);
  });

  it('counts across files and front ends: the rule over the limit may be in a YAML file', () => {
    const { r, over } = limitDiagnostics(
      policySet({ 'a.policy': `enterprise "e"\n${rules(MAX)}`, 'b.policy.yaml': 'rules:\n  - rule: late\n    owner: {member: late}\n' }),
    );
    expect(over.map((d) => [d.file, d.range.start.line])).toEqual([['b.policy.yaml', 2]]);
    expect(r.model.rules.length).toBe(MAX);
  });

  it('counts across `.policy` files: a later file is cut at its first rule', () => {
    const { over } = limitDiagnostics(policySet({ 'a.policy': `enterprise "e"\n${rules(MAX)}`, 'b.policy': `# more\n${rules(3, MAX)}` }));
    expect(over.map((d) => [d.file, d.range.start.line, d.range.start.column])).toEqual([['b.policy', 2, 1]]);
  });
});

describe('nthRuleWord: where a `.policy` text is cut', () => {
  const text = 'category rule\n# rule "in a comment"\nrule "a" { record rule }\nrule {\n} rule # c\n "b" rule rule,\n"rule {"';
  it('counts the `rule` words followed by a name or a block, not in comments or strings, not names', () => {
    expect(nthRuleWord(text, 1)).toBe(text.indexOf('rule "a"'));
    expect(nthRuleWord(text, 2)).toBe(text.indexOf('rule {'));
    expect(nthRuleWord(text, 3)).toBe(text.indexOf('rule # c'));
    expect(nthRuleWord(text, 4)).toBe(-1);
  });

  it('gives the parser the text before the cut only', () => {
    const r = parsePolicy('enterprise "e"\nrule "a" {}\nrule "b" {\n', 'p.policy', { maxRules: 1 });
    expect(r.cutAt?.start).toMatchObject({ line: 3, column: 1, offset: 27 });
    expect(r.ast.declarations.map((d) => d.kind)).toEqual(['enterprise', 'rule']);
    expect(r.diagnostics).toEqual([]);
  });
});
