// Loading a side of a diff: paths, `REV:path` and `--base-ref` through git (a temporary
// repository), file names alike on both sides, and every naming problem as a SideError.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSide, parseSideSpec, SideError } from './load-side.ts';
import { diffPolicySets } from './policy-diff.ts';

const POLICY = (keywords: string) => `enterprise "e"
limits "wecom-4.1.36"
rule "ads" {
  owner member "m"
  groups from "lists/groups.txt"
  keywords ${keywords}
  when keyword then recall
}
`;

let repo: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' }).toString();

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'hush-diff-repo-'));
  git('init', '-q');
  git('config', 'user.email', 'ci@example.invalid');
  git('config', 'user.name', 'CI');
  mkdirSync(join(repo, 'policies/shop/lists'), { recursive: true });
  writeFileSync(join(repo, 'policies/shop/shop.policy'), POLICY('"加微信", "代购"'));
  writeFileSync(join(repo, 'policies/shop/lists/groups.txt'), 'g-1\ng-2\n');
  git('add', '.');
  git('commit', '-q', '-m', 'first');
  // The working tree moves on: a keyword removed, a group added.
  writeFileSync(join(repo, 'policies/shop/shop.policy'), POLICY('"加微信"'));
  writeFileSync(join(repo, 'policies/shop/lists/groups.txt'), 'g-1\ng-2\ng-3\n');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('side specs', () => {
  it('an existing path is a path; REV:path is a revision; anything else is an error', () => {
    expect(parseSideSpec('policies/shop', repo)).toMatchObject({ kind: 'path', path: 'policies/shop' });
    expect(parseSideSpec('HEAD:policies/shop', repo)).toMatchObject({ kind: 'git', rev: 'HEAD', path: 'policies/shop', relativeToCwd: false });
    expect(parseSideSpec('HEAD:./shop', join(repo, 'policies'))).toMatchObject({ kind: 'git', relativeToCwd: true });
    expect(parseSideSpec('policies/shop', repo, 'origin/main')).toMatchObject({ kind: 'git', rev: 'origin/main', path: 'policies/shop', source: 'origin/main:policies/shop' });
    expect(() => parseSideSpec('nope', repo)).toThrow(SideError);
  });
});

describe('git revisions', () => {
  it('reads the set as committed, list files included, named as in the working tree', () => {
    const base = loadSide(parseSideSpec('HEAD:policies/shop', repo), repo);
    const head = loadSide(parseSideSpec('policies/shop', repo), repo);
    try {
      expect(base.side!.files).toEqual(['policies/shop/shop.policy']);
      expect(base.side!.ir.rules[0].groups).toEqual(['g-1', 'g-2']);
      const d = diffPolicySets(base.side!, head.side!);
      expect(d.subjects[0].changes.map((c) => [c.code, c.effect, c.base?.file ?? c.head?.file])).toEqual([
        ['hush/diff/group-added', 'stricter', 'policies/shop/lists/groups.txt'],
        ['hush/diff/keyword-removed', 'looser', 'policies/shop/shop.policy'],
      ]);
    } finally {
      base.dispose();
      head.dispose();
    }
  });

  it('--base-ref from a subfolder: the same path at the revision, named alike', () => {
    const cwd = join(repo, 'policies');
    const base = loadSide(parseSideSpec('shop', cwd, 'HEAD'), cwd);
    const file = parseSideSpec('HEAD:./shop/shop.policy', cwd);
    const one = loadSide(file, cwd);
    try {
      expect(base.side!.files).toEqual(['shop/shop.policy']);
      expect(one.side!.files).toEqual(['shop/shop.policy']);
      expect(one.side!.ir.rules[0].keywords.map((k) => k.text)).toEqual(['代购', '加微信']);
    } finally {
      base.dispose();
      one.dispose();
    }
  });

  it('removes its temporary copy when disposed', () => {
    const base = loadSide(parseSideSpec('HEAD:policies/shop', repo), repo);
    const file = base.side!.model!.root;
    expect(existsSync(file)).toBe(true);
    base.dispose();
    expect(existsSync(file)).toBe(false);
  });

  it('names every problem: unknown revision, a path not in it, an option-like revision, no repository', () => {
    expect(() => loadSide(parseSideSpec('no-such-branch:policies/shop', repo), repo)).toThrow(/unknown git revision `no-such-branch`/);
    expect(() => loadSide(parseSideSpec('HEAD:policies/elsewhere', repo), repo)).toThrow(/`policies\/elsewhere` does not exist at revision `HEAD`/);
    expect(() => loadSide(parseSideSpec('--upload-pack=x:policies/shop', repo), repo)).toThrow(SideError);
    const outside = mkdtempSync(join(tmpdir(), 'hush-no-repo-'));
    try {
      expect(() => loadSide(parseSideSpec('HEAD:x', outside), outside)).toThrow(/not in a git repository/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('a folder without policy files is a naming problem too', () => {
    mkdirSync(join(repo, 'empty'), { recursive: true });
    expect(() => loadSide(parseSideSpec('empty', repo), repo)).toThrow(/no policy files/);
  });
});
