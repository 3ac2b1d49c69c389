// `# hush-ignore hush/lint/…`: silences one lint on one line (its own line when it ends a line,
// the next one when alone), never an error; unknown and unused suppressions are lints themselves.
// Checked on real policy sets through `checkPolicySet`, against the same set without comments.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPolicySet } from '../check.ts';
import { LINT_CODES } from './suppressions.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function check(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'hush-ignore-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'p.policy'), text);
  return checkPolicySet(['.'], { cwd: dir }).diagnostics.map((d) => `${d.range.start.line} ${d.severity} ${d.code}`);
}

const BASE = `rule "r" {
  owner member "m"
  groups "g"
  keywords "x", "x"
  keywords "y", "y"
  when keyword then recall, recall, record no-such-category
}
`;

describe('hush-ignore', () => {
  it('reports the lints when nothing is silenced', () => {
    expect(check(BASE)).toEqual([
      '4 warning hush/lint/duplicate-keyword',
      '5 warning hush/lint/duplicate-keyword',
      '6 warning hush/lint/duplicate-action',
      '6 error hush/semantic/unknown-category',
    ]);
  });

  it('silences a lint on the line it ends, or on the line after a comment alone', () => {
    const text = BASE.replace('keywords "x", "x"', 'keywords "x", "x"  # hush-ignore hush/lint/duplicate-keyword -- both seen').replace(
      '  keywords "y", "y"',
      '  # hush-ignore hush/lint/duplicate-action\n  keywords "y", "y"',
    );
    // The comment alone silences line 6 (keywords "y"), where no duplicate-action stands: unused.
    expect(check(text)).toEqual([
      '5 warning hush/lint/unused-suppression',
      '6 warning hush/lint/duplicate-keyword',
      '7 warning hush/lint/duplicate-action',
      '7 error hush/semantic/unknown-category',
    ]);
  });

  it('never silences an error, and says so; an unknown lint gets "did you mean"', () => {
    const text = BASE.replace('record no-such-category', 'record no-such-category  # hush-ignore hush/semantic/unknown-category, hush/lint/duplicate-acton');
    const dir = mkdtempSync(join(tmpdir(), 'hush-ignore-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'p.policy'), text);
    const ds = checkPolicySet(['.'], { cwd: dir }).diagnostics;
    expect(ds.map((d) => `${d.range.start.line} ${d.code}`)).toEqual([
      '4 hush/lint/duplicate-keyword',
      '5 hush/lint/duplicate-keyword',
      '6 hush/lint/duplicate-action',
      '6 hush/semantic/unknown-category',
      '6 hush/lint/unknown-suppression',
      '6 hush/lint/unknown-suppression',
    ]);
    const unknown = ds.filter((d) => d.code === 'hush/lint/unknown-suppression');
    expect(unknown.map((d) => d.help)).toEqual(['errors are never silenced: fix what they report', 'did you mean `hush/lint/duplicate-action`?']);
  });

  it('silences only the codes it names, on its line only', () => {
    const text = BASE.replace('recall, recall', 'recall, recall').replace('keywords "x", "x"', 'keywords "x", "x"  # hush-ignore hush/lint/duplicate-action');
    expect(check(text)).toEqual([
      '4 warning hush/lint/duplicate-keyword',
      '4 warning hush/lint/unused-suppression',
      '5 warning hush/lint/duplicate-keyword',
      '6 warning hush/lint/duplicate-action',
      '6 error hush/semantic/unknown-category',
    ]);
  });

  it('knows every lint of the catalogue, and no other', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../spec/diagnostics.md'), 'utf8');
    const section = doc.slice(doc.indexOf('\n## Lints'), doc.indexOf('\n## ', doc.indexOf('\n## Lints') + 5));
    const listed = [...section.matchAll(/^\| `(hush\/lint\/[a-z0-9-]+)`/gm)].map((m) => m[1]);
    expect([...LINT_CODES].sort()).toEqual(listed.sort());
  });
});
