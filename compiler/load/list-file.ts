// Reads list files (`from "lists/vip.txt"`): one entry per line; blank lines and `#` comments
// (a whole line, or after whitespace at the end of an entry) are ignored; CRLF and a UTF-8 BOM
// are handled. A list path is resolved against the policy file's folder and must stay inside the
// policy set's root: absolute paths, `..` escapes and symlinks pointing out are refused with a
// diagnostic and never read. Files are read once per check and shared between statements.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep, join } from 'node:path';
import type { Range } from '../../language/diagnostic.ts';

export interface ListFileContent {
  values: string[];
  /** The 1-based line of each value. */
  lines: Int32Array;
}

export type ListFileResult =
  | { ok: true; content: ListFileContent; path: string }
  | { ok: false; code: string; message: string; help?: string };

/** Parses list text into entries and their line numbers. */
export function parseListText(text: string): ListFileContent {
  const raw = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split('\n');
  const values: string[] = [];
  const lines = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    let entry = raw[i];
    const c0 = entry.charCodeAt(0);
    const cl = entry.charCodeAt(entry.length - 1);
    // The common clean line needs no work: no comment, no padding, no CR.
    if (c0 === 35 /* # */ || c0 === 32 || c0 === 9 || cl === 13 || cl === 32 || cl === 9 || entry.indexOf('#') !== -1) {
      entry = entry.replace(/\r$/, '').trim();
      if (entry === '' || entry.charCodeAt(0) === 35) continue;
      const hash = entry.search(/[ \t]#/);
      if (hash !== -1) entry = entry.slice(0, hash).trimEnd();
    } else if (entry.length === 0) continue;
    lines[values.length] = i + 1;
    values.push(entry);
  }
  return { values, lines: lines.slice(0, values.length) };
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Resolves and reads a list file named in `policyFile` (a path as shown to the user) whose
 * policy set root is `root` (absolute and real). `shownBase` is how the policy file's folder is
 * shown, so the list file can be named alike in diagnostics.
 */
export class ListFileReader {
  private readonly cache = new Map<string, ListFileResult>();

  constructor(private readonly cwd: string = process.cwd(), private readonly overlay?: Map<string, string>) {}

  read(listPath: string, policyFile: string, root: string): ListFileResult {
    if (listPath.trim() === '') return { ok: false, code: 'hush/list/empty-path', message: 'the list path is empty' };
    if (isAbsolute(listPath) || /^[A-Za-z]:[\\/]/.test(listPath) || listPath.startsWith('~')) {
      return {
        ok: false,
        code: 'hush/list/outside-root',
        message: `list path \`${listPath}\` is absolute`,
        help: 'name list files relative to the policy file, inside the policy set',
      };
    }
    if (listPath.includes('\0')) return { ok: false, code: 'hush/list/bad-path', message: 'the list path holds a NUL character' };
    const policyDir = dirname(resolve(this.cwd, policyFile));
    let base = policyDir;
    try {
      base = realpathSync(policyDir);
    } catch {
      // An unsaved editor file may live in a folder that does not exist yet.
    }
    const abs = resolve(base, listPath);
    const shown = join(dirname(policyFile), listPath);
    const key = `${root}\0${abs}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const result = this.load(listPath, abs, shown, root, resolve(policyDir, listPath));
    this.cache.set(key, result);
    return result;
  }

  private load(listPath: string, abs: string, shown: string, root: string, overlayKey: string): ListFileResult {
    // The lexical check first: a path that names a place outside the root is never touched.
    if (!inside(root, abs)) {
      return {
        ok: false,
        code: 'hush/list/outside-root',
        message: `list path \`${listPath}\` leaves the policy set`,
        help: 'list files must be inside the folder being checked; copy the list there',
      };
    }
    const over = this.overlay?.get(overlayKey) ?? this.overlay?.get(abs);
    if (over !== undefined) return { ok: true, content: parseListText(over), path: shown };
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      return { ok: false, code: 'hush/list/not-found', message: `list file \`${listPath}\` does not exist` };
    }
    if (!inside(root, real)) {
      return {
        ok: false,
        code: 'hush/list/outside-root',
        message: `list file \`${listPath}\` is a link to a file outside the policy set`,
        help: 'list files must be inside the folder being checked; copy the list there',
      };
    }
    try {
      if (!statSync(real).isFile()) return { ok: false, code: 'hush/list/not-a-file', message: `\`${listPath}\` is not a file` };
      const buf = readFileSync(real);
      const text = buf.toString('utf8');
      if (text.includes('\uFFFD') && !buf.includes(Buffer.from('\uFFFD', 'utf8'))) {
        return { ok: false, code: 'hush/list/bad-encoding', message: `list file \`${listPath}\` is not valid UTF-8` };
      }
      return { ok: true, content: parseListText(text), path: shown };
    } catch (e) {
      return { ok: false, code: 'hush/list/unreadable', message: `cannot read list file \`${listPath}\`: ${(e as NodeJS.ErrnoException).code ?? 'error'}` };
    }
  }
}

export type { Range };
