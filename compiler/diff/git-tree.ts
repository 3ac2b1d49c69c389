// Reads a policy set as it was at a git revision: the revision is resolved, the path's tree (or,
// for a file, its folder's tree) is listed with `git ls-tree` and its files are written into a
// temporary folder with one `git cat-file --batch`, at their paths in the repository, so list
// files resolve as they did and file names read as they do in the working tree. Git is run with
// arguments, never through a shell, and a revision may not start with `-`.
//
// A tree is hostile input (CI runs `hush diff` on pull-request content, and git does not fsck
// fetched trees by default): every entry name is checked before anything is written (no `.`,
// `..`, empty or control-character component, nothing that resolves outside the destination),
// folders are made one component at a time and must be real folders (never a symlink), and
// files and links are created exclusively, so nothing is written through a link or over a file.
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, posix, relative } from 'node:path';

/** A problem with a revision or a path in it: the command reports it as bad usage. */
export class GitSideError extends Error {}

function git(cwd: string, args: string[], input?: string | Buffer): { ok: boolean; out: Buffer; err: string } {
  const r = spawnSync('git', args, { cwd, input, maxBuffer: 1 << 30 });
  if (r.error) throw new GitSideError(`cannot run git: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`);
  return { ok: r.status === 0, out: r.stdout ?? Buffer.alloc(0), err: (r.stderr ?? Buffer.alloc(0)).toString('utf8').trim() };
}

export interface Repo {
  /** The repository's top folder. */
  top: string;
  /** The current folder inside it, with a trailing `/` (`''` at the top). */
  prefix: string;
}

/** The repository the folder is in, or null outside one (or without git). */
export function findRepo(cwd: string): Repo | null {
  let r;
  try {
    r = git(cwd, ['rev-parse', '--show-toplevel', '--show-prefix']);
  } catch {
    return null;
  }
  if (!r.ok) return null;
  const [top, prefix = ''] = r.out.toString('utf8').split('\n');
  return { top, prefix };
}

/** The commit a revision names; a GitSideError naming the revision when there is none. */
export function resolveRevision(repo: Repo, rev: string): string {
  if (rev === '' || rev.startsWith('-') || /[\u0000-\u001f]/.test(rev)) throw new GitSideError(`not a git revision: \`${rev}\``);
  const r = git(repo.top, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  if (!r.ok) throw new GitSideError(`unknown git revision \`${rev}\``);
  return r.out.toString('utf8').trim();
}

/** `tree`, `blob`, or null when the path is not in the commit. */
export function pathType(repo: Repo, commit: string, path: string): 'tree' | 'blob' | null {
  const r = git(repo.top, ['cat-file', '-t', `${commit}:${path}`]);
  if (!r.ok) return null;
  const t = r.out.toString('utf8').trim();
  return t === 'tree' || t === 'blob' ? t : null;
}

interface Entry {
  mode: string;
  type: string;
  oid: string;
  path: string;
}

function listTree(repo: Repo, commit: string, folder: string): Entry[] {
  const args = ['ls-tree', '-r', '-z', '--full-tree', commit];
  if (folder !== '') args.push('--', `${folder}/`);
  const r = git(repo.top, args);
  if (!r.ok) throw new GitSideError(`cannot list \`${folder || '.'}\` at the revision: ${r.err}`);
  const out: Entry[] = [];
  for (const rec of r.out.toString('utf8').split('\0')) {
    if (rec === '') continue;
    const tab = rec.indexOf('\t');
    const [mode, type, oid] = rec.slice(0, tab).split(' ');
    out.push({ mode, type, oid, path: rec.slice(tab + 1) });
  }
  return out;
}

/**
 * Writes the files under `folder` (repository-relative, posix; '' for the top) as they are in
 * `commit` into a new temporary folder, at their repository paths. Returns that folder.
 */
export function materialise(repo: Repo, commit: string, folder: string): string {
  const dest = mkdtempSync(join(tmpdir(), 'hush-diff-'));
  const entries = listTree(repo, commit, folder).filter((e) => e.type === 'blob' && !e.path.split('/').includes('node_modules'));
  if (entries.length === 0) return dest;
  const r = git(repo.top, ['cat-file', '--batch'], entries.map((e) => e.oid).join('\n') + '\n');
  if (!r.ok) throw new GitSideError(`cannot read the files of \`${folder || '.'}\` at the revision: ${r.err}`);
  let at = 0;
  for (const e of entries) {
    const nl = r.out.indexOf(0x0a, at);
    const header = r.out.subarray(at, nl).toString('utf8').split(' ');
    const size = Number(header[2]);
    const content = r.out.subarray(nl + 1, nl + 1 + size);
    at = nl + 1 + size + 1;
    const file = safeEntryPath(dest, e.path);
    makeFolders(dest, dirname(file));
    // A symlink is recreated as one; the checker refuses a list path that leads out of the set.
    try {
      if (e.mode === '120000') symlinkSync(content.toString('utf8'), file);
      else writeFileSync(file, content, { flag: 'wx' });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new GitSideError(`the tree at the revision names ${shown(e.path)} twice; refusing to read it`);
      throw err;
    }
  }
  return dest;
}

/** A tree entry's path as a message may show it: quoted, control characters escaped. */
function shown(path: string): string {
  return JSON.stringify(path);
}

/**
 * Where a tree entry goes under `dest`, after checking its name: each `/`-separated component
 * must be a plain name (not empty, `.` or `..`, no control character or backslash), and the
 * result must stay inside `dest`. A GitSideError otherwise: nothing of such a tree is trusted.
 */
export function safeEntryPath(dest: string, path: string): string {
  const parts = path.split('/');
  for (const p of parts) {
    if (p === '' || p === '.' || p === '..' || /[\u0000-\u001f\u007f\\]/.test(p)) {
      throw new GitSideError(`the tree at the revision has an unsafe entry name ${shown(path)}; refusing to read it`);
    }
  }
  const file = join(dest, ...parts);
  const rel = relative(dest, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new GitSideError(`the tree at the revision has an entry outside its folder ${shown(path)}; refusing to read it`);
  return file;
}

/** Makes `folder` (inside `dest`) one component at a time; each must be a real folder, never a link. */
function makeFolders(dest: string, folder: string): void {
  let at = dest;
  for (const part of relative(dest, folder).split(/[\\/]/).filter(Boolean)) {
    at = join(at, part);
    try {
      mkdirSync(at);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!lstatSync(at).isDirectory()) throw new GitSideError(`the tree at the revision uses ${shown(relative(dest, at))} both as a file or link and as a folder; refusing to read it`);
    }
  }
}

/** A path as git names it inside the repository: relative to its top, with `/`, no `./`. */
export function repoPath(repo: Repo, path: string, relativeToCwd: boolean): string {
  if (isAbsolute(path)) return repoPath(repo, relative(repo.top, path), false);
  if (/[\u0000-\u001f]/.test(path)) throw new GitSideError(`not a path: ${shown(path)}`);
  // Normalised before anything is looked up: `x/../policies` is `policies` at the revision, and a
  // path that climbs out of the repository is refused.
  const joined = posix.normalize(relativeToCwd ? posix.join(repo.prefix, path.replace(/\\/g, '/')) : path.replace(/\\/g, '/'));
  const clean = joined === '.' ? '' : joined.replace(/^\.\//, '').replace(/\/$/, '');
  if (clean === '..' || clean.startsWith('../')) throw new GitSideError(`\`${path}\` is outside the repository`);
  return clean;
}
