// Finds the policy files of a policy set from the paths a user gave: files are taken as they
// are, folders are walked for `.policy` and `.policy.yaml` / `.policy.yml` files. Each file keeps
// the root it came in with: the folder given, or the folder of a file given alone. List paths
// must stay inside that root.
import { readdirSync, statSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { diagnostic, START_RANGE, type Diagnostic } from '../../language/diagnostic.ts';

export interface DiscoveredFile {
  /** The path as shown to the user (relative when the user's path was relative). */
  path: string;
  /** The absolute, real path of the policy set root this file belongs to. */
  root: string;
  form: 'policy' | 'yaml';
}

/** Folders never walked into. */
const SKIP_DIRS = new Set(['node_modules', '.git', 'lists']);

export function policyFormOf(path: string): 'policy' | 'yaml' | undefined {
  if (/\.policy$/i.test(path)) return 'policy';
  if (/\.policy\.ya?ml$/i.test(path)) return 'yaml';
  return undefined;
}

/** The form of a file the user named explicitly: plain `.yaml` files count too. */
function explicitFormOf(path: string): 'policy' | 'yaml' | undefined {
  return policyFormOf(path) ?? (/\.ya?ml$/i.test(path) ? 'yaml' : undefined);
}

export function discoverFiles(paths: string[], cwd = process.cwd()): { files: DiscoveredFile[]; diagnostics: Diagnostic[] } {
  const files: DiscoveredFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const add = (path: string, root: string, form: 'policy' | 'yaml') => {
    const key = resolve(cwd, path);
    if (seen.has(key)) return;
    seen.add(key);
    files.push({ path, root, form });
  };
  for (const given of paths) {
    const abs = resolve(cwd, given);
    let st;
    try {
      st = statSync(abs);
    } catch {
      diagnostics.push(diagnostic('hush/io/not-found', 'error', `no such file or folder: ${given}`, given, START_RANGE));
      continue;
    }
    if (st.isDirectory()) {
      const root = realpathSync(abs);
      walk(given, abs, root, add, diagnostics, 0);
    } else {
      const form = explicitFormOf(given);
      if (!form) {
        diagnostics.push(
          diagnostic('hush/io/not-a-policy', 'error', `not a policy file: ${given}`, given, START_RANGE, {
            help: 'policy files end in .policy, .policy.yaml or .yaml',
          }),
        );
        continue;
      }
      add(given, realpathSync(dirname(abs)), form);
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, diagnostics };
}

function walk(
  shown: string,
  abs: string,
  root: string,
  add: (path: string, root: string, form: 'policy' | 'yaml') => void,
  diagnostics: Diagnostic[],
  depth: number,
): void {
  if (depth > 32) return;
  let entries;
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch (e) {
    diagnostics.push(diagnostic('hush/io/unreadable', 'error', `cannot read folder ${shown}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, shown, START_RANGE));
    return;
  }
  for (const ent of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (ent.name.startsWith('.')) continue;
    const childShown = join(shown, ent.name);
    const childAbs = join(abs, ent.name);
    if (ent.isDirectory()) {
      if (!SKIP_DIRS.has(ent.name)) walk(childShown, childAbs, root, add, diagnostics, depth + 1);
    } else if (ent.isFile()) {
      const form = policyFormOf(ent.name);
      if (form) add(childShown, root, form);
    } else if (ent.isSymbolicLink()) {
      // Links are never followed inside a set (one could lead anywhere); a policy file or folder
      // that is a link is said so, rather than being left out unseen.
      if (policyFormOf(ent.name)) {
        diagnostics.push(
          diagnostic('hush/io/symlink', 'error', `policy file ${childShown} is a symbolic link; links are not followed inside a policy set, so it is not checked`, childShown, START_RANGE, {
            help: 'replace the link with the file itself, or name the file it points to on the command line',
          }),
        );
      } else if (!SKIP_DIRS.has(ent.name) && isFolderLink(childAbs)) {
        diagnostics.push(
          diagnostic('hush/io/symlink', 'warning', `folder ${childShown} is a symbolic link; links are not followed inside a policy set, so its files are not checked`, childShown, START_RANGE, {
            help: 'move the folder into the set, or name it on the command line',
          }),
        );
      }
    }
  }
}

function isFolderLink(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
