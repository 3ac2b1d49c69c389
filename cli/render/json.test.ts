import { describe, expect, it } from 'vitest';
import { renderJson } from './json.ts';
import { DIAGNOSTICS } from './test-fixtures.ts';

describe('renderJson', () => {
  const out = renderJson(DIAGNOSTICS, { files: 3 });
  const report = JSON.parse(out);

  it('matches the golden output', async () => {
    await expect(out).toMatchFileSnapshot('./golden/json.golden.json');
  });

  it('is version 1 with one entry per diagnostic, in order, and the counts', () => {
    expect(report.version).toBe(1);
    expect(report.diagnostics.map((d: { code: string }) => d.code)).toEqual(DIAGNOSTICS.map((d) => d.code));
    expect(report.summary).toEqual({ errors: 5, warnings: 2, infos: 1, hints: 1, files: 3 });
  });

  it('keeps positions as they are and leaves out unknown offsets', () => {
    const shop = report.diagnostics[0];
    expect(shop.range.start).toEqual(DIAGNOSTICS[0].range.start);
    const list = report.diagnostics.find((d: { file: string }) => d.file === 'examples/lists/vip.txt');
    expect(list.range.start).toEqual({ line: 3, column: 1 });
    expect(list.related[0].range.start).toEqual({ line: 2, column: 1 });
  });

  it('writes help and related only when there are some', () => {
    const bare = report.diagnostics.find((d: { code: string }) => d.code === 'hush/check/unknown-name');
    expect(Object.keys(bare)).toEqual(['code', 'severity', 'message', 'file', 'range']);
  });

  it('counts the files named by the diagnostics when the caller does not say', () => {
    expect(JSON.parse(renderJson(DIAGNOSTICS)).summary.files).toBe(4);
    expect(JSON.parse(renderJson([])).summary).toEqual({ errors: 0, warnings: 0, infos: 0, hints: 0, files: 0 });
  });
});
