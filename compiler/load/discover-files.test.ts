// Policy files and folders that are symbolic links are never followed inside a set, and never
// left out unseen: each is a diagnostic.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverFiles } from './discover-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'hush-discover-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('symbolic links in a policy set', () => {
  it('diagnoses a linked policy file (error) and a linked folder (warning), and reads neither', () => {
    const outside = mkdtempSync(join(tmpdir(), 'hush-outside-'));
    writeFileSync(join(outside, 'evil.policy'), 'enterprise "x"\n');
    mkdirSync(join(dir, 'set'));
    writeFileSync(join(dir, 'set', 'a.policy'), 'enterprise "e"\n');
    symlinkSync(join(outside, 'evil.policy'), join(dir, 'set', 'b.policy'));
    symlinkSync(outside, join(dir, 'set', 'more'));
    const r = discoverFiles(['set'], dir);
    expect(r.files.map((f) => f.path)).toEqual([join('set', 'a.policy')]);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.file])).toEqual([
      ['hush/io/symlink', 'error', join('set', 'b.policy')],
      ['hush/io/symlink', 'warning', join('set', 'more')],
    ]);
    rmSync(outside, { recursive: true, force: true });
  });
});
