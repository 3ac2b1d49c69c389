// Code generation: hostile policy text stays data (no code runs, decisions stay right), the
// output is byte-identical for the same IR, and every placement of the data blob decides alike.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledRuntime } from '../../runtime/policy/generated/compiled-support.ts';
import type { CompiledPolicy } from '../../runtime/policy/compiled-policy.ts';
import { createEngine } from '../../runtime/engine/engine.ts';
import { interpretIr } from '../../runtime/policy/interpreter.ts';
import type { IrPolicySet } from '../../runtime/ir.ts';
import { compileToModule, stringLiteral, type CompileToModuleOptions } from './ir-to-ts.ts';
import { importModuleText, loadCompiledPolicy } from './load-module.ts';
import { irToJson, policySetToIr } from '../lower/policy-set-to-ir.ts';

declare global {
  // Set by hostile payloads if they ever ran as code.
  var __hushCanary: number | undefined;
}

const CANARY = 'globalThis.__hushCanary = 1';
/** Texts that would run `CANARY` (or break the module) if emitted as code anywhere. */
const HOSTILE = [
  `\${${CANARY}}`,
  `\`\${${CANARY}}\``,
  `*/${CANARY};/*`,
  `"); ${CANARY}; ("`,
  `'); ${CANARY}; ('`,
  `\`); ${CANARY}; (\``,
  `\n${CANARY} //`,
  `\u2028${CANARY}\u2029`,
  `</script><script>${CANARY}</script>`,
  `\\"; ${CANARY}; //`,
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'a\u0000b',
  '\ud800x',
  '加微信${x}',
];

/** A policy string for any text (the policy language's escapes are JSON's). */
const q = (s: string) => JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function hostilePolicy(): string {
  const list = HOSTILE.map(q).join(', ');
  const lines = [
    `enterprise ${q(HOSTILE[0])}`,
    `category __proto__ ${q(HOSTILE[8])}`,
    `category constructor ${q(HOSTILE[1])}`,
    `blacklist enterprise "__proto__", ${q(HOSTILE[3])}, ${q(HOSTILE[14])}`,
    `blacklist personal of "__proto__" "constructor", ${q(HOSTILE[4])}`,
    `blacklist personal of ${q(HOSTILE[2])} "toString"`,
    `exempt customers "hasOwnProperty", ${q(HOSTILE[5])}`,
  ];
  HOSTILE.forEach((name, i) => {
    lines.push(
      `rule ${q(name)} {`,
      `  owner super-admin ${q(HOSTILE[(i + 1) % HOSTILE.length])}`,
      `  groups "g-1", "__proto__", "constructor", ${q(HOSTILE[(i + 2) % HOSTILE.length])}`,
      `  keywords ${list}`,
      `  except ${q(HOSTILE[(i + 3) % HOSTILE.length])}`,
      `  allow cards "__proto__", ${q(HOSTILE[(i + 4) % HOSTILE.length])}`,
      `  allow miniprograms "wx3f2a9c8b7d6e5f40"`,
      `  when keyword then recall, warn ${q(HOSTILE[i])}, record __proto__`,
      `  when card then warn ${q(HOSTILE[(i + 5) % HOSTILE.length])}, record constructor`,
      `  when miniprogram then warn ${q(HOSTILE[(i + 6) % HOSTILE.length])}`,
      `  when identity ${q(HOSTILE[(i + 7) % HOSTILE.length])}, "__proto__" then notify owner`,
      // The rule's own gate (GATES: JSON data): hostile exempt customers, a window holding the events' time.
      `  exempt customers "__proto__", ${q(HOSTILE[(i + 8) % HOSTILE.length])}`,
      '  during 09:00-20:00',
      '}',
    );
  });
  lines.push('ladder "__proto__" {', '  counts __proto__, constructor', '  step 1: suspend interop for 1h, appealable', '}');
  return lines.join('\n') + '\n';
}

/** Every identifier the generator writes, besides the numbered shape functions. */
const GENERATOR_IDENTIFIERS = new Set([
  'irVersion', 'hash', 'supportVersion', 'dataFile', 'RULE_NAMES', 'LADDERS', 'QUOTA', 'PROFILES', 'RULES', 'ACTIONS', 'IDENTITIES', 'DATA', 'JSON', 'parse',
  'RULE_SHAPE', 'RULE_PARAMS', 'params', 'rule', 'GATES', 'gates',
  'createPolicy', 'runtime', 'data', 'version', 'Error', 'createCompiledPolicy', 'names', 'ladders', 'contactQuota', 'profiles', 'rules',
  'msg', 'ctx', 'out', 'evidence', 'count', 'length', 'joinedAt', 'keywordEvidence', 'firstKeywordEvidence', 'fire', 'fireAgain', 'linkEvidence',
  'miniprogramEvidence', 'cardEvidence', 'identityEvidence', 'floodCount', 'textLength', 'images', 'at', 'push',
  'trigger', 'triggerIndex', 'evidence', 'actions', 'count', 'limit', 'windowMs', 'joinedAt', 'withinMs', 'length', 'max',
  'Date', 'toISOString', 'type', 'text', 'ms', 'scope', 'target', 'category', 'undefined',
  'readFileSync', 'URL', 'import', 'meta', 'url',
]);

/** Characters that matter to string literals, comments and templates, one unit each. */
const TRICKY = fc.constantFrom('"', "'", '\\', '`', '$', '{', '}', '\n', '\r', '\u2028', '\u2029', '\u0000', '<', '>', '/', '*', '\ud800', '\udc00', 'a', '\u52a0');

interface Token {
  kind: ts.SyntaxKind;
  text: string;
  value: string;
}

function scan(js: string): Token[] {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2022, false, ts.LanguageVariant.Standard, js);
  const out: Token[] = [];
  for (let k = scanner.scan(); k !== ts.SyntaxKind.EndOfFileToken; k = scanner.scan()) {
    out.push({ kind: k, text: scanner.getTokenText(), value: scanner.getTokenValue() });
  }
  return out;
}

let dir: string;
let ir: IrPolicySet;

beforeAll(() => {
  globalThis.__hushCanary = 0;
  dir = mkdtempSync(join(tmpdir(), 'hush-hostile-'));
  writeFileSync(join(dir, 'p.policy'), hostilePolicy());
  const r = policySetToIr(['.'], { cwd: dir });
  expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`)).toEqual([]);
  ir = r.ir!;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function message(text: string, extra: Record<string, unknown> = {}) {
  return { type: 'message', group: 'g-1', sender: { id: 'c-1', kind: 'customer' }, text, links: [], miniprograms: [], at: '2026-11-23T10:00:00Z', ...extra };
}

/** Events that touch every hostile value: keywords, groups, blacklists, exemptions, cards, identities. */
function events(): unknown[] {
  const out: unknown[] = [];
  for (const h of HOSTILE) {
    out.push(message(`x${h}y`));
    out.push(message('hello', { group: h }));
    out.push(message('hello', { sender: { id: h, kind: 'customer' } }));
    out.push(message('hello', { owner: '__proto__', sender: { id: h, kind: 'customer' } }));
    out.push(message('hello', { owner: h, sender: { id: 'toString', kind: 'customer' } }));
    out.push(message('card', { cards: [h, '__proto__'] }));
    out.push(message('who', { sender: { id: 'c-2', kind: 'customer', identities: [h] } }));
  }
  out.push(message('a __proto__ b', { group: '__proto__' }));
  out.push(message('constructor', { group: 'constructor', miniprograms: ['wx0000000000000000'] }));
  return out;
}

function decide(policy: CompiledPolicy): string[] {
  const engine = createEngine(policy);
  return events().map((e) => JSON.stringify(engine.evaluate(e)));
}

async function load(options: CompileToModuleOptions): Promise<CompiledPolicy> {
  const m = compileToModule(ir, options);
  if (m.dataFile) {
    const out = join(dir, `out-${options.data}`);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'policy.mjs'), m.js);
    writeFileSync(join(out, m.dataFile), m.data);
    const mod = await import(pathToFileURL(join(out, 'policy.mjs')).href);
    return mod.createPolicy(compiledRuntime);
  }
  const mod = await importModuleText(m.js);
  return mod.createPolicy(compiledRuntime, options.data === 'external' ? m.data : undefined);
}

describe('hostile policy text', () => {
  it('is emitted only as escaped data: the module is printable ASCII and holds no payload as code', () => {
    const m = compileToModule(ir);
    expect(/^[\x20-\x7e\n]*$/.test(m.js)).toBe(true);
    expect(/^[\x20-\x7e\n]*$/.test(m.dts)).toBe(true);
    expect(m.js).not.toContain('</script');
    expect(m.js).not.toContain('__HUSH_INLINE_DATA__');
    // No policy text at all in the types.
    expect(m.dts).not.toMatch(/__hushCanary|__proto__|constructor/);
    // Token by token: no template literal, identifiers only from the generator's own set (shape
    // functions are numbered), comments fixed, and every payload only inside string literals.
    const tokens = scan(m.js);
    expect(tokens.filter((t) => t.kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral || t.kind === ts.SyntaxKind.TemplateHead)).toEqual([]);
    const identifiers = new Set(tokens.filter((t) => t.kind === ts.SyntaxKind.Identifier).map((t) => t.text));
    for (const id of identifiers) expect(GENERATOR_IDENTIFIERS.has(id) || /^(shape|decide)\d+$/.test(id), id).toBe(true);
    for (const t of tokens) {
      if (t.kind === ts.SyntaxKind.SingleLineCommentTrivia || t.kind === ts.SyntaxKind.MultiLineCommentTrivia) {
        expect(t.text).not.toMatch(/__hushCanary|process|__proto__|\$\{/);
      } else if (t.kind !== ts.SyntaxKind.StringLiteral) {
        expect(t.text).not.toMatch(/__hushCanary/);
      }
    }
    // The payloads are there, as data.
    const strings = new Set(tokens.filter((t) => t.kind === ts.SyntaxKind.StringLiteral).map((t) => t.value));
    for (const h of HOSTILE) expect(strings.has(h), h).toBe(true);
  });

  it.each(['inline', 'sidecar', 'external'] as const)('runs no code and decides as the interpreter (%s data)', async (data) => {
    const compiled = await load({ data });
    const got = decide(compiled);
    expect(globalThis.__hushCanary).toBe(0);
    expect(got).toEqual(decide(interpretIr(ir)));
    expect(compiled.ruleNames).toEqual(HOSTILE.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    // Some decisions must actually fire, or the comparison proves nothing.
    expect(got.filter((d) => d.includes('"allowed":false')).length).toBeGreaterThan(HOSTILE.length);
  });

  it('keeps `__proto__` and `constructor` as data: groups, blacklists, keywords', async () => {
    const compiled = await load({ data: 'inline' });
    expect(compiled.rulesForGroup('__proto__').length).toBe(HOSTILE.length);
    expect(compiled.rulesForGroup('constructor').length).toBe(HOSTILE.length);
    expect(compiled.rulesForGroup('valueOf')).toEqual([]);
    expect(compiled.isEnterpriseBlacklisted('__proto__')).toBe(true);
    expect(compiled.isEnterpriseBlacklisted('constructor')).toBe(false);
    expect(compiled.isPersonalBlacklisted('__proto__', 'constructor')).toBe(true);
    expect(compiled.isPersonalBlacklisted('constructor', '__proto__')).toBe(false);
    expect(compiled.isPersonalBlacklisted('toString', 'toString')).toBe(false);
    expect(compiled.isExempt('hasOwnProperty')).toBe(true);
    expect(compiled.isExempt('__proto__')).toBe(false);
    const d = createEngine(compiled).evaluate(message('a __proto__ b', { sender: { id: 'c-3', kind: 'customer' } }));
    expect(JSON.stringify(d)).toContain('"keyword":"__proto__"');
    expect(globalThis.__hushCanary).toBe(0);
  });

  it('round-trips any string as a literal (fast-check)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: TRICKY, maxLength: 40 })), (s) => {
        const lit = stringLiteral(s);
        expect(/^[\x20-\x7e]*$/.test(lit)).toBe(true);
        // JSON.parse is a data parser: a literal that round-trips through it is a plain string.
        expect(JSON.parse(lit)).toBe(s);
      }),
    );
  });
});

describe('determinism', () => {
  it('gives byte-identical output for the same IR, and for the IR lowered again', () => {
    const a = compileToModule(ir);
    const b = compileToModule(JSON.parse(irToJson(ir)));
    const again = compileToModule(policySetToIr(['.'], { cwd: dir }).ir!);
    for (const m of [b, again]) {
      expect(m.js).toBe(a.js);
      expect(m.dts).toBe(a.dts);
      expect(Buffer.from(m.data).equals(Buffer.from(a.data))).toBe(true);
    }
  });

  it('examples compile to the same bytes twice and agree with the interpreter on a sample', async () => {
    const root = join(import.meta.dirname, '..', '..', 'examples', 'retail');
    const retail = policySetToIr(['.'], { cwd: root }).ir!;
    const a = compileToModule(retail);
    expect(compileToModule(retail).js).toBe(a.js);
    const compiled = await loadCompiledPolicy(retail);
    const groups = retail.rules[0].groups.slice(0, 3);
    const sample = [
      ...groups.map((g) => message('加微信 代购', { group: g })),
      message('看 https://evil.example.com/x', { group: groups[0] }),
      message('hello', { group: groups[0], sender: { id: retail.enterpriseBlacklist[0], kind: 'customer' } }),
      message('加微信', { group: groups[0], sender: { id: retail.exempt[0], kind: 'customer' } }),
    ];
    const run = (p: CompiledPolicy) => {
      const e = createEngine(p);
      return sample.map((s) => e.evaluate(s));
    };
    expect(run(compiled)).toEqual(run(interpretIr(retail)));
    expect(JSON.stringify(run(compiled))).toContain('"allowed":false');
  });
});

describe('a module written to disk', () => {
  it('reads its sidecar beside itself, wherever it is', async () => {
    const m = compileToModule(ir, { data: 'sidecar', baseName: 'moved' });
    const out = join(dir, 'elsewhere', 'deeper');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'moved.mjs'), m.js);
    writeFileSync(join(out, 'moved.data.bin'), m.data);
    const mod = await import(pathToFileURL(join(out, 'moved.mjs')).href);
    expect(mod.dataFile).toBe('moved.data.bin');
    expect(readFileSync(join(out, 'moved.data.bin')).length).toBe(m.data.length);
    const p = mod.createPolicy(compiledRuntime) as CompiledPolicy;
    expect(p.isEnterpriseBlacklisted('__proto__')).toBe(true);
  });

  it('refuses a runtime of another version', async () => {
    const mod = await importModuleText(compileToModule(ir).js);
    expect(() => mod.createPolicy({ ...compiledRuntime, version: 999 } as never)).toThrow(/runtime support/);
  });
});
