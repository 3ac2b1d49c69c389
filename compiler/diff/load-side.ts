// Loads one side of a diff from what the user named: a path (a policy file or folder), or a path
// at a git revision, written `REV:path` as `git show` writes it (the path relative to the
// repository's top, or to the current folder when it starts with `./` or `../`). Either way the
// set is checked and lowered to the IR; a set with errors yields its diagnostics and no side.
// Naming problems (no such path, unknown revision, no policy file) are SideErrors, which the
// command reports as bad usage.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { isAbsolute, join, posix, resolve, sep } from 'node:path';
import type { Diagnostic } from '../../language/diagnostic.ts';
import { policySetToIr } from '../lower/policy-set-to-ir.ts';
import { findRepo, GitSideError, materialise, pathType, repoPath, resolveRevision, type Repo } from './git-tree.ts';
import type { Side } from './side.ts';

export class SideError extends Error {}

export type SideSpec = { kind: 'path'; path: string; source: string } | { kind: 'git'; rev: string; path: string; source: string; relativeToCwd: boolean };

export interface LoadedSide {
  /** null when the set has an error (see `diagnostics`). */
  side: Side | null;
  diagnostics: Diagnostic[];
  /** Policy file texts by the name used in diagnostics. */
  sources: Map<string, string>;
  /** Removes the temporary folder of a git side. */
  dispose(): void;
}

/**
 * What an argument names: an existing path is a path; otherwise `REV:path` is a revision of a
 * path. `baseRef` (from `--base-ref`) reads the argument's path at that revision instead.
 */
export function parseSideSpec(arg: string, cwd: string, baseRef?: string): SideSpec {
  if (baseRef !== undefined) return { kind: 'git', rev: baseRef, path: arg, source: `${baseRef}:${arg}`, relativeToCwd: true };
  if (existsLiterally(arg, cwd)) return { kind: 'path', path: arg, source: arg };
  const colon = arg.indexOf(':');
  // `C:\…` is a Windows drive, not a revision.
  if (colon > 0 && !/^[A-Za-z]:[\\/]/.test(arg)) {
    const path = arg.slice(colon + 1);
    return { kind: 'git', rev: arg.slice(0, colon), path, source: arg, relativeToCwd: path === '.' || path.startsWith('./') || path.startsWith('../') };
  }
  throw new SideError(`no such file or folder: ${arg}`);
}

/**
 * Whether the path exists as written, its `..` components resolved by the file system rather than
 * cancelled as text: `HEAD~1:x/../policies` is a path only if a folder `HEAD~1:x` exists, so a
 * revision is never mistaken for the working tree.
 */
function existsLiterally(arg: string, cwd: string): boolean {
  return existsSync(isAbsolute(arg) ? arg : `${cwd}${sep}${arg}`);
}

function check(source: string, path: string, cwd: string): Omit<LoadedSide, 'dispose'> {
  const r = policySetToIr([path], { cwd });
  if (r.check.files.length === 0) {
    const why = r.diagnostics.find((d) => d.code.startsWith('hush/io/'));
    throw new SideError(why ? `${why.message} (in ${source})` : `no policy files (.policy, .policy.yaml) in ${source}`);
  }
  if (!r.ir) return { side: null, diagnostics: r.diagnostics, sources: r.check.sources };
  return {
    side: { source, ir: r.ir, model: r.check.model, files: r.check.files },
    diagnostics: r.diagnostics,
    sources: r.check.sources,
  };
}

function gitSide(spec: Extract<SideSpec, { kind: 'git' }>, cwd: string): LoadedSide {
  const repo: Repo | null = findRepo(cwd);
  if (!repo) throw new SideError(`\`${spec.source}\` names a git revision, but ${cwd} is not in a git repository`);
  let dir: string | undefined;
  try {
    const commit = resolveRevision(repo, spec.rev);
    const inRepo = repoPath(repo, spec.path, spec.relativeToCwd);
    const type = pathType(repo, commit, inRepo);
    if (!type) {
      const hint = !spec.relativeToCwd && repo.prefix !== '' ? ` (a path after \`REV:\` is relative to the repository's top; write \`${spec.rev}:./${spec.path}\` for one relative to the current folder)` : '';
      throw new SideError(`\`${inRepo || '.'}\` does not exist at revision \`${spec.rev}\`${hint}`);
    }
    const folder = type === 'tree' ? inRepo : posix.dirname(inRepo) === '.' ? '' : posix.dirname(inRepo);
    dir = materialise(repo, commit, folder);
    // Check from the same place in the copy as the user stands in the working tree, so that
    // files are named alike on both sides.
    const here = join(dir, ...repo.prefix.split('/').filter(Boolean));
    mkdirSync(here, { recursive: true });
    const shown = posix.relative(repo.prefix.replace(/\/$/, ''), inRepo) || '.';
    const tmp = dir;
    return { ...check(spec.source, shown, here), dispose: () => rmSync(tmp, { recursive: true, force: true }) };
  } catch (e) {
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (e instanceof GitSideError) throw new SideError(e.message);
    throw e;
  }
}

export function loadSide(spec: SideSpec, cwd: string): LoadedSide {
  if (spec.kind === 'git') return gitSide(spec, cwd);
  if (!existsSync(resolve(cwd, spec.path))) throw new SideError(`no such file or folder: ${spec.path}`);
  return { ...check(spec.source, spec.path, cwd), dispose: () => {} };
}
