// Code generation of the set's own variant lines: hostile words and spellings reach the module
// only as JSON text (the keyword automaton in the blob, and `VARIANTS` for the exception phrases
// of pattern rules), no code runs, and the module decides as the interpreter. A set without
// variant lines, or whose pattern rules need none, gets no `VARIANTS` at all.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { compiledRuntime } from '../../runtime/policy/generated/compiled-support.ts';
import type { CompiledPolicy } from '../../runtime/policy/compiled-policy.ts';
import { createEngine } from '../../runtime/engine/engine.ts';
import { interpretIr, keywordRuleOf, keywordTracer } from '../../runtime/policy/interpreter.ts';
import type { IrPolicySet } from '../../runtime/ir.ts';
import { compileToModule } from './ir-to-ts.ts';
import { importModuleText } from './load-module.ts';
import { policySetToIr } from '../lower/policy-set-to-ir.ts';

declare global {
  var __hushCanary: number | undefined;
}

const CANARY = 'globalThis.__hushCanary = 1';
const q = (s: string) => JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const HOSTILE = [`\${${CANARY}}`, `"); ${CANARY}; ("`, `*/${CANARY};/*`, `\`); ${CANARY}; (\``, `\u2028${CANARY}`];

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function lower(policy: string): IrPolicySet {
  const dir = mkdtempSync(join(tmpdir(), 'hush-variants-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'p.policy'), policy);
  const r = policySetToIr(['.'], { cwd: dir });
  expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return r.ir!;
}

const POLICY = [
  'normalize case, width, symbols, variants',
  `variants of "微信" ${HOSTILE.map(q).join(', ')}`,
  `variants of ${q(HOSTILE[1])} "x1y", ${q(HOSTILE[2])}`,
  'rule "keywords" {',
  '  groups "g-1"',
  `  keywords "加微信", ${q(`a${HOSTILE[1]}b`)}`,
  '  when keyword then recall',
  '}',
  'rule "patterns" {',
  '  groups "g-1"',
  '  pattern "\\\\d{5}"',
  `  except "微信12345", ${q(`${HOSTILE[1]}67890`)}`,
  '  when keyword then warn "no"',
  '}',
].join('\n');

const TEXTS = [
  ...HOSTILE.map((h) => `加${h}`),
  'ax1yb',
  `a${HOSTILE[2]}b`,
  `${HOSTILE[0]}12345`,
  'x1y67890',
  `${HOSTILE[2]}67890`,
  '微信12345',
  '54321',
  '加微信',
];

function decide(policy: CompiledPolicy): string[] {
  const engine = createEngine(policy);
  return TEXTS.map((text, i) =>
    JSON.stringify(engine.evaluate({ type: 'message', id: `m-${i}`, group: 'g-1', sender: { id: `c-${i}`, kind: 'customer' }, text, links: [], miniprograms: [], at: '2026-11-23T10:00:00Z' })),
  );
}

describe('variant lines in generated code', () => {
  it('are data only, run nothing, and decide as the interpreter', async () => {
    globalThis.__hushCanary = 0;
    const ir = lower(POLICY);
    expect(ir.variants!.find((v) => v.word === '微信')!.spellings).toEqual(HOSTILE);
    const m = compileToModule(ir);
    expect(/^[\x20-\x7e\n]*$/.test(m.js)).toBe(true);
    const scanner = ts.createScanner(ts.ScriptTarget.ES2022, false, ts.LanguageVariant.Standard, m.js);
    const strings: string[] = [];
    for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = scanner.scan()) {
      if (k === ts.SyntaxKind.StringLiteral) strings.push(scanner.getTokenValue());
      else if (k !== ts.SyntaxKind.SingleLineCommentTrivia && k !== ts.SyntaxKind.MultiLineCommentTrivia) expect(scanner.getTokenText()).not.toMatch(/__hushCanary/);
      expect(k === ts.SyntaxKind.NoSubstitutionTemplateLiteral || k === ts.SyntaxKind.TemplateHead).toBe(false);
    }
    // The lines are one JSON text handed to JSON.parse.
    const variants = strings.map((s) => { try { return JSON.parse(s); } catch { return undefined; } }).find((v) => Array.isArray(v) && v[0]?.spellings);
    expect(variants).toEqual(ir.variants!.map((v) => ({ word: v.word, spellings: v.spellings })));
    const mod = await importModuleText(m.js);
    const compiled: CompiledPolicy = mod.createPolicy(compiledRuntime);
    const got = decide(compiled);
    expect(globalThis.__hushCanary).toBe(0);
    expect(got).toEqual(decide(interpretIr(ir)));
    // The author's spellings fire the keyword, and swallow the pattern's hits as exceptions.
    expect(got.filter((d) => d.includes('"recall"')).length).toBeGreaterThanOrEqual(HOSTILE.length + 2);
    expect(got[TEXTS.indexOf('x1y67890')]).toContain('"allowed":true');
    expect(got[TEXTS.indexOf('54321')]).toContain('"warn"');
  });

  it('leave the module of a set without them, or without pattern rules, as it was', () => {
    const plain = compileToModule(lower(POLICY.replace(/^variants of .*$/gm, '')));
    expect(plain.js).not.toContain('VARIANTS');
    const noPatterns = compileToModule(lower(POLICY.split('rule "patterns"')[0]));
    expect(noPatterns.js).not.toContain('VARIANTS');
    expect(compileToModule(lower(POLICY)).js).toContain('VARIANTS');
  });

  it('reach the keyword trace a service keeps instead of the IR', () => {
    const ir = lower(POLICY);
    const trace = keywordTracer(ir.rules.map((r) => keywordRuleOf(r, ir.variants)), () => ['keywords']);
    expect(trace('g-1', 'ax1yb')[0].hits.map((h) => [h.keyword, h.text])).toEqual([[`a${HOSTILE[1]}b`, 'ax1yb']]);
    const without = keywordTracer(ir.rules.map((r) => keywordRuleOf(r)), () => ['keywords']);
    expect(without('g-1', 'ax1yb')[0].hits).toEqual([]);
  });
});
