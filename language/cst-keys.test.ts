// cst-to-ast.ts reads the CST by key (a token's, a rule's or a label's name). Its accessors are
// typed with those names, and this test holds the source to the parser's actual grammar, so a
// renamed token or rule cannot silently drop a statement.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CST_LABELS, parser } from './tokens-to-cst.ts';
import * as tokens from './tokens.ts';
import { BLOCK_STARTERS, DECLARATION_STARTERS, kw, NAMED_BLOCK_STARTERS, STATEMENT_STARTERS } from './tokens.ts';

/** Every key a CST node of this grammar can hold children under. */
function grammarKeys(): Set<string> {
  const keys = new Set<string>();
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(visit);
    if (typeof x !== 'object' || x === null) return;
    const o = x as Record<string, unknown>;
    if ((o.type === 'Terminal' || o.type === 'NonTerminal') && typeof o.name === 'string') keys.add(o.name);
    if ((o.type === 'Terminal' || o.type === 'NonTerminal') && typeof o.label === 'string') keys.add(o.label);
    Object.values(o).forEach(visit);
  };
  visit(parser.getSerializedGastProductions());
  return keys;
}

const source = readFileSync(new URL('./cst-to-ast.ts', import.meta.url), 'utf8');

/** The keys cst-to-ast.ts reads: accessor arguments and the rule names its `switch (key)`s test. */
function keysRead(): string[] {
  const read = [...source.matchAll(/\b(?:tokens|tok|nodes|sub|has)\([\w.]+, '([^']+)'\)/g)].map((m) => m[1]);
  for (const block of source.split('switch (key) {').slice(1)) {
    const body = block.slice(0, block.search(/\n {4}\}\n/));
    read.push(...[...body.matchAll(/^ {6}case '([^']+)':/gm)].map((m) => m[1]));
  }
  return read;
}

describe('the keys cst-to-ast.ts reads', () => {
  const grammar = grammarKeys();

  it('finds the keys it reads (the scan of the source works)', () => {
    const read = keysRead();
    expect(read.length).toBeGreaterThan(60);
    expect(read).toContain('enterpriseDecl');
    expect(read).toContain('ownerStmt');
    expect(read).toContain('Kw_super_admin');
  });

  it('are all in the grammar', () => {
    expect(keysRead().filter((k) => !grammar.has(k))).toEqual([]);
  });

  it('labels the grammar uses are the ones declared for the typed accessors', () => {
    for (const l of CST_LABELS) expect(grammar.has(l), l).toBe(true);
  });

  it('token exports are named as their tokens (the typed keys rely on it)', () => {
    const defined = Object.entries(tokens).filter(([, v]) => typeof v === 'object' && v !== null && 'PATTERN' in v && 'name' in v);
    expect(defined.length).toBeGreaterThan(10);
    for (const [name, value] of defined) expect((value as { name: string }).name).toBe(name);
  });
});

describe('the line-starting words', () => {
  const firstWords = (rule: string): string[] => {
    const productions = parser.getSerializedGastProductions() as { name?: string; definition?: unknown[] }[];
    const start = productions.find((r) => r.name === rule);
    const out: string[] = [];
    const first = (x: { type: string; name?: string; definition?: unknown[] }): void => {
      if (x.type === 'Terminal') out.push(x.name!);
      else if (x.type === 'NonTerminal') {
        const r = productions.find((p) => p.name === x.name);
        if (r?.definition?.[0]) first(r.definition[0] as never);
      } else if (x.type === 'Alternation') for (const a of x.definition ?? []) first(a as never);
      else if (x.definition?.[0]) first(x.definition[0] as never);
    };
    first(start as never);
    return out;
  };

  it('DECLARATION_STARTERS are the first words of the `declaration` alternatives', () => {
    expect(new Set(firstWords('declaration'))).toEqual(new Set(DECLARATION_STARTERS.map((w) => kw[w].name)));
  });

  it('STATEMENT_STARTERS are the first words of rule, ladder and quota statements', () => {
    const firsts = new Set([...firstWords('ruleStatement'), ...firstWords('ladderStatement'), ...firstWords('quotaStatement')]);
    expect(firsts).toEqual(new Set(STATEMENT_STARTERS.map((w) => kw[w].name)));
  });

  it('block and named-block starters are declarations', () => {
    for (const w of [...BLOCK_STARTERS, ...NAMED_BLOCK_STARTERS]) expect(DECLARATION_STARTERS).toContain(w);
  });
});
