// Comments through `hush convert`, both ways: a fast-check property over random policies with
// comments in every place the formatter knows (before a declaration or statement, at the end of
// its line, after a list entry, on a block's header line, before a block's `}`, after it, at the
// end of the file) holds text → YAML → text to keeping every comment on the same statement, in
// the same place and order; and goldens of commented files in both directions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as A from './ast.ts';
import { attachComments, formatPolicy, type Item } from './ast-to-text.ts';
import { astToYaml, yamlNormalForm } from './ast-to-yaml.ts';
import { parsePolicy } from './text-to-ast.ts';
import { parseYamlPolicy } from './yaml-to-ast.ts';
import { arbPolicyFile } from './testing/arbitrary-ast.ts';
import { stripRanges } from './testing/strip-ranges.ts';

const isBlock = (i: Item): i is A.RuleDecl | A.LadderDecl | A.QuotaDecl => i.kind === 'rule' || i.kind === 'ladder' || i.kind === 'quota';

/**
 * Every comment's text with where it is: the path of its declaration or statement and its place.
 * The places the YAML form cannot tell apart are one: a block has no closing line, so a comment
 * after its `}` is one before it (`end`), and all the comments of a block with no statement are
 * the block's own (`block`).
 */
function homes(ast: A.PolicyFile): string[] {
  const at = attachComments(ast);
  const out: string[] = [];
  const visit = (items: readonly Item[], path: string) => {
    items.forEach((item, i) => {
      const here = `${path}${i}:${item.kind}`;
      for (const { comment } of at.leading.get(item) ?? []) out.push(`${here} before${comment.text}`);
      if (isBlock(item)) {
        const empty = item.body.length === 0;
        const header = at.headerTrailing.get(item);
        if (header) out.push(`${here} ${empty ? 'block' : 'header'}${header.text}`);
        visit(item.body, `${here}/`);
        for (const c of at.dangling.get(item) ?? []) out.push(`${here} ${empty ? 'block' : 'end'}${c.text}`);
        const after = at.trailing.get(item);
        if (after) out.push(`${here} ${empty ? 'block' : 'end'}${after.text}`);
      } else {
        const after = at.trailing.get(item);
        if (after) out.push(`${here} after${after.text}`);
      }
    });
  };
  visit(ast.declarations, '');
  for (const c of at.rest) out.push(`end of file${c.text}`);
  return out;
}

/** A comment's text: printable words, sometimes with YAML's and the language's own characters. */
const commentText = fc.oneof(
  fc.constantFrom(' ads seen in 2026', ' TODO: ask legal', '加微信 # twice', ' - not a list', ' {not: yaml}', '', ' "quoted"', ' key: value'),
  fc.stringMatching(/^ [a-z0-9 ]{0,10}$/),
);

/** Where to put comments in a formatted text (one statement a line), and their texts. */
const arbCommented = fc.record({
  ast: arbPolicyFile(6).map((a) => yamlNormalForm(a)),
  seed: fc.array(fc.tuple(fc.nat(99), commentText), { minLength: 60, maxLength: 60 }),
});

/**
 * Puts comments into the canonical text of an AST: own-line comments before lines, end-of-line
 * comments after them, and comments after list entries (the list goes on, on the next line).
 */
function commented(text: string, seed: [number, string][]): string {
  const parsed = parsePolicy(text, 'c.policy').ast;
  const inserts: [number, string][] = [];
  let k = 0;
  let n = 0;
  const next = () => seed[k++ % seed.length];
  const label = (t: string) => `${t} #${n++}`;
  // After list entries that a comma follows: ` # c` and a line break.
  const entries: A.Str[] = [];
  const walk = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    if ((v as A.InlineList).kind === 'inline') entries.push(...(v as A.InlineList).items.slice(0, -1));
    if ((v as A.IdentityTrigger).type === 'identity') entries.push(...(v as A.IdentityTrigger).identities.slice(0, -1));
    for (const x of Object.values(v)) if (x && typeof x === 'object') walk(x);
  };
  walk(parsed.declarations);
  for (const e of entries) {
    const [roll, t] = next();
    if (roll < 15) inserts.push([e.range.end.offset + 1, ` #${label(t)}\n   `]);
    else if (roll < 25) inserts.push([e.range.end.offset + 1, `\n   #${label(t)}\n   `]);
  }
  let offset = 0;
  for (const line of text.split('\n')) {
    if (line !== '') {
      const indent = line.length - line.trimStart().length;
      const [r1, t1] = next();
      if (r1 < 30) inserts.push([offset, `${' '.repeat(indent)}#${label(t1)}\n`]);
      const [r2, t2] = next();
      if (r2 < 40) inserts.push([offset + line.length, ` #${label(t2)}`]);
    }
    offset += line.length + 1;
  }
  const [r3, t3] = next();
  if (r3 < 50) inserts.push([text.length, `#${label(t3)}\n`]);
  let out = text;
  for (const [at, s] of inserts.sort((a, b) => b[0] - a[0])) out = out.slice(0, at) + s + out.slice(at);
  return out;
}

describe('comments through the YAML form', () => {
  it('text → YAML → text keeps every comment on its statement, in its place and order', () => {
    fc.assert(
      fc.property(arbCommented, ({ ast, seed }) => {
        const source = commented(formatPolicy(ast), seed);
        const parsed = parsePolicy(source, 'c.policy');
        expect(parsed.diagnostics, source).toEqual([]);
        const yaml = astToYaml(parsed.ast);
        const back = parseYamlPolicy(yaml, 'c.policy.yaml');
        expect(back.diagnostics, yaml).toEqual([]);
        const want = homes(yamlNormalForm(parsed.ast));
        expect(want.length).toBe(parsed.ast.comments.length);
        expect(homes(back.ast), `${source}\n----\n${yaml}`).toEqual(want);
        // And the text it converts back to says the same, with the same comments in the same places.
        const text = formatPolicy(back.ast);
        const again = parsePolicy(text, 'c.policy').ast;
        expect(homes(again), text).toEqual(homes(back.ast));
        expect((stripRanges(again) as A.PolicyFile).declarations).toEqual((stripRanges(yamlNormalForm(parsed.ast)) as A.PolicyFile).declarations);
      }),
      { numRuns: 300 },
    );
  });

  it('YAML → text → YAML keeps every comment of a YAML file on its statement', () => {
    fc.assert(
      fc.property(arbCommented, ({ ast, seed }) => {
        const yaml = astToYaml(parsePolicy(commented(formatPolicy(ast), seed), 'c.policy').ast);
        const read = parseYamlPolicy(yaml, 'c.policy.yaml').ast;
        const text = formatPolicy(read);
        const yaml2 = astToYaml(parsePolicy(text, 'c.policy').ast);
        expect(homes(parseYamlPolicy(yaml2, 'c.policy.yaml').ast), `${yaml}\n----\n${text}\n----\n${yaml2}`).toEqual(homes(read));
        // A comment inside a statement (after a list entry, or between entries) moves before the
        // statement in the text (one statement is one line there); everything else comes back exactly.
        const interior = [...attachComments(read).leading.values()].some((cs) => cs.some((c) => c.interior));
        if (!interior) expect(yaml2).toBe(yaml);
      }),
      { numRuns: 200 },
    );
  });
});

describe('convert goldens with comments', () => {
  const dir = join(import.meta.dirname, '../spec/format');
  const source = readFileSync(join(dir, 'comments.policy'), 'utf8');

  it('.policy → YAML', async () => {
    await expect(astToYaml(parsePolicy(source, 'comments.policy').ast)).toMatchFileSnapshot(join(dir, 'comments.policy.yaml.golden'));
  });

  it('YAML → .policy', async () => {
    const yaml = readFileSync(join(dir, 'comments.policy.yaml.golden'), 'utf8');
    const back = parseYamlPolicy(yaml, 'comments.policy.yaml');
    expect(back.diagnostics).toEqual([]);
    await expect(formatPolicy(back.ast)).toMatchFileSnapshot(join(dir, 'comments.policy.yaml.policy.golden'));
  });

  it('the end-of-line comment of a statement stays at the end of its line, both ways', () => {
    const text = 'rule "r" {\n  keywords "加微信", "代购" # ads seen in 2026\n  when keyword then recall\n}\n';
    const yaml = astToYaml(parsePolicy(text, 'r.policy').ast);
    expect(yaml).toContain('keywords: [加微信, 代购] # ads seen in 2026\n');
    expect(formatPolicy(parseYamlPolicy(yaml, 'r.policy.yaml').ast)).toBe(text);
  });
});
