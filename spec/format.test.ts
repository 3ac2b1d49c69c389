// Golden tests of the formatter: every `spec/format/*.policy` is formatted and compared with the
// `.golden` file beside it (regenerate with `vitest -u`). Each output must also be stable (a
// second run changes nothing) and mean the same as its input (the same AST, ranges aside).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatPolicyText } from '../language/ast-to-text.ts';
import { parsePolicy } from '../language/text-to-ast.ts';
import { stripRanges } from '../language/testing/strip-ranges.ts';

const dir = join(import.meta.dirname, 'format');
const cases = readdirSync(dir).filter((f) => f.endsWith('.policy')).sort();

describe('formatter goldens', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of cases) {
    it(name, async () => {
      const input = readFileSync(join(dir, name), 'utf8');
      const result = formatPolicyText(input, name);
      expect(result.diagnostics).toEqual([]);
      const out = result.text!;
      expect(typeof out).toBe('string');
      await expect(out).toMatchFileSnapshot(join(dir, `${name}.golden`));
      expect(formatPolicyText(out, name).text).toBe(out);
      expect(stripRanges(parsePolicy(out, name).ast)).toEqual(stripRanges(parsePolicy(input, name).ast));
    });
  }

  it('gives the sketch of PRODUCT.md back unchanged', () => {
    const sketch = readFileSync(join(dir, 'retail-sketch.policy'), 'utf8');
    expect(formatPolicyText(sketch, 'retail.policy').text).toBe(sketch);
  });
});
