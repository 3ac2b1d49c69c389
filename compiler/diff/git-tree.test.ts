// A git tree is hostile input: entry names that climb out (`..`), that repeat, or that turn a
// link into a folder must never write outside the temporary copy, and revision paths are
// normalised and confined before anything is looked up.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitSideError, safeEntryPath } from './git-tree.ts';
import { loadSide, parseSideSpec, SideError } from './load-side.ts';

let sandbox: string;
let repo: string;
const git = (args: string[], input?: string) => execFileSync('git', args, { cwd: repo, input, stdio: 'pipe' }).toString().trim();
const blob = (text: string) => git(['hash-object', '-w', '--stdin'], text);
const tree = (entries: [mode: string, type: string, oid: string, name: string][]) => git(['mktree'], entries.map(([m, t, o, n]) => `${m} ${t} ${o}\t${n}`).join('\n') + '\n');
const POLICY = 'enterprise "e"\nlimits "wecom-4.1.36"\nrule "r" {\n  owner member "m"\n  groups "g-1"\n  keywords "x"\n  when keyword then recall\n}\n';

/** Commits `root` on a branch of its own; returns the branch. */
function branch(name: string, root: string): string {
  const commit = git(['commit-tree', root, '-m', name]);
  git(['branch', '-f', name, commit]);
  return name;
}

beforeAll(() => {
  // The repository sits two folders deep in a sandbox, so a write that climbs out is seen.
  sandbox = mkdtempSync(join(tmpdir(), 'hush-git-attack-'));
  repo = join(sandbox, 'work', 'repo');
  mkdirSync(join(repo, 'pol'), { recursive: true });
  git(['init', '-q']);
  git(['config', 'user.email', 'ci@example.invalid']);
  git(['config', 'user.name', 'CI']);
  writeFileSync(join(repo, 'pol', 'p.policy'), POLICY);
  git(['add', '.']);
  git(['commit', '-q', '-m', 'first']);
});
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

/** Every file under the temp folder's parent and the sandbox that a diff could have written. */
function strayFiles(): string[] {
  const found: string[] = [];
  for (const base of [tmpdir(), sandbox]) {
    for (const d of ['ceo', 'pwned']) if (existsSync(join(base, d))) found.push(join(base, d));
  }
  return found;
}

describe('hostile git trees', () => {
  it('refuses a `..` entry (the issue\'s attack) and writes nothing outside', () => {
    const pwned = tree([['100644', 'blob', blob('owned\n'), 'pwned']]);
    const attack = tree([['040000', 'tree', pwned, 'attack']]);
    const ceo = tree([['040000', 'tree', attack, 'ceo']]);
    const dotdot = tree([['040000', 'tree', ceo, '..']]);
    const pol = tree([['100644', 'blob', blob(POLICY), 'p.policy'], ['040000', 'tree', dotdot, '..']]);
    const root = tree([['040000', 'tree', pol, 'pol'], ['040000', 'tree', dotdot, '..']]);
    const b = branch('attack-dotdot', root);
    for (const spec of [parseSideSpec('pol', repo, b), parseSideSpec(`${b}:.`, repo), parseSideSpec(`${b}:pol`, repo)]) {
      expect(() => loadSide(spec, repo)).toThrow(/unsafe entry name/);
    }
    expect(strayFiles()).toEqual([]);
  });

  it('refuses `.` entries, names used twice, and a link used as a folder', () => {
    const file = blob(POLICY);
    const dot = branch('attack-dot', tree([['040000', 'tree', tree([['100644', 'blob', file, 'p.policy']]), '.']]));
    expect(() => loadSide(parseSideSpec(`${dot}:.`, repo), repo)).toThrow(/unsafe entry name/);
    const twice = branch('attack-twice', tree([['100644', 'blob', file, 'p.policy'], ['100644', 'blob', file, 'p.policy']]));
    try {
      expect(() => loadSide(parseSideSpec(`${twice}:.`, repo), repo)).toThrow(SideError);
    } catch {
      // git mktree itself may refuse a duplicate name; then there is nothing to attack.
    }
    // `lists` is a link to the sandbox, and `lists/x` a file under it: writing it would follow the link.
    const inner = tree([['100644', 'blob', blob('x'), 'x']]);
    const link = branch('attack-link', tree([['100644', 'blob', file, 'p.policy'], ['120000', 'blob', blob(sandbox), 'lists'], ['040000', 'tree', inner, 'lists']]));
    expect(() => loadSide(parseSideSpec(`${link}:.`, repo), repo)).toThrow(SideError);
    expect(readdirSync(sandbox)).toEqual(['work']);
  });

  it('never places a checked entry outside its destination (fast-check)', () => {
    const dest = join(tmpdir(), 'hush-dest');
    const part = fc.oneof(fc.constantFrom('.', '..', '', 'a', '...', '.git', 'a\\..', '\u0000', '\n'), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 5 }), (parts) => {
        const path = parts.join('/');
        let file: string;
        try {
          file = safeEntryPath(dest, path);
        } catch (e) {
          expect(e).toBeInstanceOf(GitSideError);
          return;
        }
        const rel = relative(dest, file);
        expect(rel === '' || rel.startsWith('..')).toBe(false);
        expect(path.split('/').some((p) => p === '..' || p === '.' || p === '')).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('revision paths', () => {
  it('`REV:x/../pol` is the revision, not the working tree; climbing out of the repository is refused', () => {
    writeFileSync(join(repo, 'pol', 'p.policy'), POLICY.replace('"x"', '"changed-in-the-working-tree"'));
    const spec = parseSideSpec('HEAD:x/../pol', repo);
    expect(spec.kind).toBe('git');
    const side = loadSide(spec, repo);
    try {
      expect(side.side!.ir.rules[0].keywords.map((k) => k.text)).toEqual(['x']);
    } finally {
      side.dispose();
    }
    expect(() => loadSide(parseSideSpec('HEAD:pol/../..', repo), repo)).toThrow(/outside the repository/);
    expect(() => loadSide(parseSideSpec('pol/../..', repo, 'HEAD'), repo)).toThrow(/outside the repository/);
  });
});
