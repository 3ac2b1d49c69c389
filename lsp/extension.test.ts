// The VS Code extension in lsp/vscode/: its manifest contributes the language, the grammar, the
// bracket and comment configuration and the YAML schema; the grammar knows every word of the
// language and its patterns compile; the build bundles the client and writes the schema.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CATEGORIES, NORMALIZE_STEPS } from '../language/builtins.ts';
import { KEYWORDS } from '../language/tokens.ts';

const ext = join(import.meta.dirname, 'vscode');
const json = (p: string) => JSON.parse(readFileSync(join(ext, p), 'utf8'));

describe('the extension manifest', () => {
  const pkg = json('package.json');
  it('contributes the hush language for .policy files with its configuration and grammar', () => {
    const lang = pkg.contributes.languages.find((l: { id: string }) => l.id === 'hush');
    expect(lang.extensions).toEqual(['.policy']);
    const conf = json(lang.configuration);
    expect(conf.comments.lineComment).toBe('#');
    expect(conf.brackets).toEqual([['{', '}']]);
    const grammar = pkg.contributes.grammars.find((g: { language: string }) => g.language === 'hush');
    expect(json(grammar.path).scopeName).toBe(grammar.scopeName);
    expect(pkg.main).toBe('./dist/extension.js');
  });

  it('gives Red Hat\'s YAML extension the schema of *.policy.yaml', () => {
    expect(pkg.contributes.yamlValidation).toEqual([{ fileMatch: ['*.policy.yaml', '*.policy.yml'], url: './schemas/policy.schema.json' }]);
  });

  it('lets the user choose the server command', () => {
    expect(pkg.contributes.configuration.properties['hush.server.path'].type).toBe('string');
  });
});

describe('the TextMate grammar', () => {
  const g = json('syntaxes/hush.tmLanguage.json');
  const rules: { name?: string; match?: string; begin?: string; end?: string }[] = [];
  const collect = (r: Record<string, any>) => {
    rules.push(r);
    for (const p of r.patterns ?? []) collect(p);
  };
  for (const r of Object.values(g.repository) as Record<string, any>[]) collect(r);
  const scopeOf = (text: string) => rules.find((r) => r.match && r.name && new RegExp(`^(?:${r.match})$`).test(text))?.name;

  it('compiles', () => {
    for (const r of rules) for (const re of [r.match, r.begin, r.end]) if (re) expect(() => new RegExp(re)).not.toThrow();
  });

  it('knows every word of the language, the built-in categories and the normalisation steps', () => {
    for (const w of KEYWORDS) expect(scopeOf(w), w).toMatch(/^(storage|keyword|support)\./);
    for (const c of BUILTIN_CATEGORIES) expect(scopeOf(c.id), c.id).toBe('support.constant.category.hush');
    for (const s of Object.keys(NORMALIZE_STEPS)) expect(scopeOf(s), s).toBe('support.constant.normalize-step.hush');
  });

  it('tells durations, numbers, escapes and comments apart', () => {
    expect(scopeOf('30m')).toBe('constant.numeric.duration.hush');
    expect(scopeOf('30min')).toBe('invalid.illegal.duration.hush');
    expect(scopeOf('500')).toBe('constant.numeric.integer.hush');
    expect(scopeOf('22:00-07:00')).toBe('constant.numeric.time.hush');
    expect(scopeOf('0.5%')).toBe('constant.numeric.percentage.hush');
    expect(scopeOf('\\u{1F381}')).toBe('constant.character.escape.hush');
    expect(scopeOf('\\u52a0')).toBe('constant.character.escape.hush');
    expect(scopeOf('# a comment')).toBe('comment.line.number-sign.hush');
    expect(scopeOf('coupon-spam')).toBe('variable.other.name.hush');
  });
});

describe('the build', () => {
  it('bundles the client and writes the YAML schema', () => {
    execFileSync(process.execPath, [join(ext, 'build.mjs')], { stdio: 'pipe' });
    const bundle = readFileSync(join(ext, 'dist', 'extension.js'), 'utf8');
    expect(bundle).toContain('--stdio');
    expect(bundle).toMatch(/require\("vscode"\)/);
    expect(existsSync(join(ext, 'schemas', 'policy.schema.json'))).toBe(true);
    expect(json('schemas/policy.schema.json').$schema).toMatch(/json-schema/);
  });
});
