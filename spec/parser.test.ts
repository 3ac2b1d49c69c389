// Golden parser tests in the manner of rust-analyzer: every `spec/parser/NNNN_name.policy` is
// parsed and the dump of its AST and diagnostics is compared with `NNNN_name.ast.golden` beside
// it (regenerate with `vitest -u`). A case whose name contains `crlf` is parsed with CRLF line
// endings. Every case also checks the parser's invariants: ranges inside the text and ordered.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../language/text-to-ast.ts';
import { dumpAst } from '../language/testing/dump-ast.ts';
import { checkRanges } from '../language/testing/check-ranges.ts';

const dir = join(import.meta.dirname, 'parser');
const cases = readdirSync(dir).filter((f) => f.endsWith('.policy')).sort();

describe('parser goldens', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  for (const name of cases) {
    it(name, async () => {
      let text = readFileSync(join(dir, name), 'utf8');
      if (name.includes('crlf')) text = text.replace(/\n/g, '\r\n');
      const { ast, diagnostics } = parsePolicy(text, name);
      expect(checkRanges(ast, diagnostics, text)).toEqual([]);
      await expect(dumpAst(ast, diagnostics)).toMatchFileSnapshot(join(dir, name.replace(/\.policy$/, '.ast.golden')));
    });
  }
});
