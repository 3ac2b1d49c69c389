// `hush run` as a user runs it (node bin/hush.js as a child process) on pattern keywords and the
// set's own variant lines: a pattern rule fires with evidence `{text, start, end, pattern}` (the
// span in the original text), an exception phrase swallows a pattern's hit, and an author's
// spelling fires a keyword; the generated module and the interpreter print the same lines.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HUSH = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/hush.js');

function hush(args: string[], cwd: string, input: string): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [HUSH, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      done({ status: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin!.end(input);
  });
}

const POLICY = `normalize case, width, symbols, variants
variants of "微信" from "lists/weixin.txt"

rule "phones" {
  owner member "li.lei"
  groups "g-1"
  pattern "1[3-9]\\\\d{9}"
  except "客服电话13800000000"
  when keyword then recall
}

rule "contact" {
  owner member "li.lei"
  groups "g-1"
  keywords "加微信"
  when keyword then warn "请勿加微信"
}
`;

const ev = (text: string, i: number) => JSON.stringify({ type: 'message', group: 'g-1', sender: { id: `c-${i}`, kind: 'customer' }, text, at: `2026-11-23T10:00:0${i}Z` });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hush-run-patterns-'));
  writeFileSync(join(dir, 'p.policy'), POLICY);
  mkdirSync(join(dir, 'lists'));
  writeFileSync(join(dir, 'lists/weixin.txt'), '# seen in March\n威芯\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const INPUT = [ev('电话：138 1234-5678', 1), ev('客服电话13800000000', 2), ev('加威芯吧', 3), ev('你好', 4)].join('\n') + '\n';

describe('hush run with patterns and variant lines', () => {
  it.each([[[]], [['--engine', 'interpreter']]])('fires a pattern with its evidence, and an author spelling (%j)', async (engine) => {
    const r = await hush(['run', 'p.policy', ...engine], dir, INPUT);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual({
      allowed: false,
      actions: [{ type: 'recall' }],
      matches: [{ rule: 'phones', trigger: 'keyword', evidence: { text: '138 1234-5678', start: 3, end: 16, pattern: '1[3-9]\\d{9}' } }],
    });
    // Inside the exception phrase, the pattern's hit does not fire.
    expect(lines[1]).toEqual({ allowed: true, actions: [], matches: [] });
    expect(lines[2]).toEqual({
      allowed: true,
      actions: [{ type: 'warn', text: '请勿加微信' }],
      matches: [{ rule: 'contact', trigger: 'keyword', evidence: { text: '加威芯', start: 0, end: 3, keyword: '加微信' } }],
    });
    expect(lines[3]).toEqual({ allowed: true, actions: [], matches: [] });
  });
});
