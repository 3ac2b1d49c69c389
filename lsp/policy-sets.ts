// The language server's view of the workspace: which policy set each document belongs to, and
// the last check of every set, run with the open documents' unsaved texts as an overlay.
//
// The policy set of a document is the folder holding it, grown upwards while the parent folder
// (still inside a workspace folder) holds a policy file of its own: a set split into subfolders
// (`acme/common.policy`, `acme/east/rules.policy`) is checked as a whole, while the sibling sets
// of `examples/retail/` and `examples/restaurant/` stay apart, as `hush check FOLDER` would
// see them. A document that is not in its set on disk (unsaved, untitled, inside `lists/`) is
// checked alone, with its folder as the root.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep, isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PolicyFile } from '../language/ast.ts';
import { sortDiagnostics, type Diagnostic } from '../language/diagnostic.ts';
import { checkParsed, checkPolicySet, type CheckResult } from '../compiler/check.ts';
import { ListFileReader, type ListFileResult } from '../compiler/load/list-file.ts';
import { policyFormOf } from '../compiler/load/discover-files.ts';
import type { PolicySetModel } from '../compiler/model/model.ts';
import { IncrementalParser } from './incremental-parse.ts';

/** An open document as the workspace sees it. */
export interface OpenDocument {
  uri: string;
  version: number;
  getText(): string;
}

/** One policy file of a checked set. */
export interface SetFile {
  /** The absolute path. */
  path: string;
  /** The path as diagnostics name it (relative to the root). */
  shown: string;
  uri: string;
  text: string;
  ast: PolicyFile;
}

export interface SetState {
  root: string;
  model: PolicySetModel;
  diagnostics: Diagnostic[];
  /** The set's policy files by absolute path. */
  files: Map<string, SetFile>;
  /** True when the set is one document checked alone. */
  loose: boolean;
  /** The absolute path of a diagnostic's or a location's file. */
  absolute(file: string): string;
}

export interface WorkspaceOptions {
  /** Open documents longer than this (UTF-16 code units) are not checked live. */
  maxDocumentLength: number;
}

export const DEFAULT_MAX_DOCUMENT_LENGTH = 2_000_000;

/** The absolute path of a `file:` URI; undefined for other schemes. */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel));
}

function holdsPolicyFile(dir: string): boolean {
  try {
    return readdirSync(dir, { withFileTypes: true }).some((e) => e.isFile() && policyFormOf(e.name) !== undefined);
  } catch {
    return false;
  }
}

/** The root key of a document outside every workspace folder (followed by its path). */
const OUTSIDE = 'outside:';

/** Reads no list file: the reader of a document alone at a file system's root. */
class NoListFiles extends ListFileReader {
  override read(listPath: string): ListFileResult {
    return {
      ok: false,
      code: 'hush/list/outside-root',
      message: `list file \`${listPath}\` is not read: the document is outside every workspace folder, at the root of the file system`,
      help: 'open the folder that holds the policy set as a workspace folder',
    };
  }
}

export class Workspace {
  folders: string[] = [];
  private readonly open = new Map<string, OpenDocument>();
  private readonly sets = new Map<string, SetState>();
  private readonly dirty = new Set<string>();
  private readonly rootCache = new Map<string, string>();
  /** Parses reuse the syntax trees of unchanged declarations (see incremental-parse.ts). */
  readonly parser = new IncrementalParser();

  constructor(readonly options: WorkspaceOptions = { maxDocumentLength: DEFAULT_MAX_DOCUMENT_LENGTH }) {}

  // --- documents ---------------------------------------------------------------------------

  /** Records an opened or changed document; returns the root of the set to re-check. */
  update(doc: OpenDocument): string {
    this.open.set(doc.uri, doc);
    const root = this.rootOfUri(doc.uri);
    this.invalidate(root);
    return root;
  }

  /** Forgets a closed document; returns the root of the set to re-check. */
  close(uri: string): string {
    this.open.delete(uri);
    this.alone.delete(uri);
    const root = this.rootOfUri(uri);
    this.invalidate(root);
    return root;
  }

  document(uri: string): OpenDocument | undefined {
    return this.open.get(uri);
  }

  openDocuments(): OpenDocument[] {
    return [...this.open.values()];
  }

  tooLarge(doc: OpenDocument): boolean {
    return doc.getText().length > this.options.maxDocumentLength;
  }

  /** A file on disk changed, appeared or disappeared: every set that may hold it is re-checked. */
  fileChanged(path: string): string[] {
    this.rootCache.clear();
    const roots = [...this.sets.keys()].filter((r) => inside(r, path) || inside(dirname(path), r));
    for (const r of roots) this.invalidate(r);
    return roots;
  }

  /** The workspace folders changed: every document's set may be another one now. */
  foldersChanged(): void {
    this.rootCache.clear();
    for (const r of this.sets.keys()) this.invalidate(r);
  }

  invalidate(root: string): void {
    this.dirty.add(root);
    this.generation++;
  }

  /** Bumped by every change; documents checked alone are re-checked when it moves. */
  private generation = 0;
  private readonly alone = new Map<string, { generation: number; state: SetState }>();

  // --- roots -------------------------------------------------------------------------------

  /** The root of the set a document belongs to (see the file comment). */
  rootOfUri(uri: string): string {
    const path = uriToPath(uri);
    if (!path) return `untitled:${uri}`;
    return this.rootOfPath(path);
  }

  rootOfPath(path: string): string {
    const dir = dirname(path);
    const key = policyFormOf(path) ? dir : `${dir}\0list`;
    const hit = this.rootCache.get(key);
    if (hit) return hit;
    const folder = this.folders.filter((f) => inside(f, dir)).sort((a, b) => b.length - a.length)[0];
    // Outside every workspace folder the document is checked alone: its parent tree is never
    // walked (a document `file:///x.policy` would otherwise make `/` its policy set).
    if (!folder) {
      const alone = `${OUTSIDE}${path}`;
      this.rootCache.set(key, alone);
      return alone;
    }
    let root = dir;
    // A list file (`lists/vip.txt`) belongs to the set of the nearest folder above it that holds
    // a policy file.
    if (!policyFormOf(path)) {
      for (let up = dirname(dir), i = 0; i < 3 && up !== dirname(up) && !holdsPolicyFile(root); up = dirname(up), i++) {
        if (holdsPolicyFile(up)) root = up;
      }
    }
    while (root !== folder) {
      const parent = dirname(root);
      if (parent === root || !inside(folder, parent) || !holdsPolicyFile(parent)) break;
      root = parent;
    }
    this.rootCache.set(key, root);
    return root;
  }

  /** The roots of every open document's set. */
  openRoots(): string[] {
    return [...new Set([...this.open.keys()].map((u) => this.rootOfUri(u)))];
  }

  // --- checks ------------------------------------------------------------------------------

  /** The overlay of unsaved texts: every open `file:` document, huge ones as empty files. */
  private overlay(): Map<string, string> {
    const m = new Map<string, string>();
    for (const d of this.open.values()) {
      const p = uriToPath(d.uri);
      if (p) m.set(p, this.tooLarge(d) ? '' : d.getText());
    }
    return m;
  }

  /** The set's last check, re-run when anything in it changed since. */
  /** How many times a set was checked (for tests and monitoring, as the parser's `parsedChunks`). */
  checks = 0;

  state(root: string): SetState {
    const hit = this.sets.get(root);
    if (hit && !this.dirty.has(root)) return hit;
    this.checks++;
    const s = root.startsWith('untitled:') ? this.checkUntitled(root) : root.startsWith(OUTSIDE) ? this.checkOutside(root.slice(OUTSIDE.length)) : this.check(root);
    this.sets.set(root, s);
    this.dirty.delete(root);
    return s;
  }

  /**
   * The syntax tree of an open document, from the incremental parser alone: what the outline and
   * folding need, without checking its set (VS Code asks for both after every keystroke; a check
   * there would skip the debounce). Undefined for a document that is not open or not a policy.
   */
  astOf(uri: string): PolicyFile | undefined {
    const doc = this.open.get(uri);
    if (!doc) return undefined;
    const path = uriToPath(uri) ?? uri;
    const form = policyFormOf(path) ?? (/\.ya?ml$/i.test(path) ? 'yaml' : uri.startsWith('untitled:') ? 'policy' : undefined);
    return form ? this.parser.parse(doc.getText(), path, form).ast : undefined;
  }

  /** The set holding a document, and the document's file in it. */
  fileOf(uri: string): { set: SetState; file?: SetFile } {
    const root = this.rootOfUri(uri);
    let set = this.state(root);
    const path = uriToPath(uri);
    let file = path ? set.files.get(path) : set.files.get(uri);
    // An open document that the set does not hold (unsaved, or in a folder the walk skips) is
    // checked alone.
    if (!file && this.open.has(uri) && path && policyFormOf(path)) {
      const hit = this.alone.get(uri);
      if (hit && hit.generation === this.generation) set = hit.state;
      else {
        set = this.checkAlone(this.open.get(uri)!, path);
        this.alone.set(uri, { generation: this.generation, state: set });
      }
      file = set.files.get(path);
    }
    return { set, file };
  }

  private check(root: string): SetState {
    const overlay = this.overlay();
    let result: CheckResult;
    if (existsSync(root) && statSync(root).isDirectory()) {
      result = checkPolicySet(['.'], { cwd: root, overlay, parse: this.parser.parse });
    } else {
      result = checkPolicySet([], { cwd: root, overlay, parse: this.parser.parse });
    }
    const files = new Map<string, SetFile>();
    for (const ast of result.model.files) {
      const path = resolve(root, ast.file);
      const open = this.openAt(path);
      files.set(path, { path, shown: ast.file, uri: open?.uri ?? pathToUri(path), text: result.sources.get(ast.file) ?? '', ast });
    }
    const diagnostics = result.diagnostics.filter((d) => d.code !== 'hush/io/not-found');
    return { root, model: result.model, diagnostics, files, loose: false, absolute: (f) => resolve(root, f) };
  }

  /** One policy document alone: its folder is the root, its unsaved text is the file. */
  private checkAlone(doc: OpenDocument, path: string): SetState {
    const root = dirname(path);
    const shown = path.slice(root.length + 1);
    return this.checkTexts(root, [{ path, shown, uri: doc.uri, text: doc.getText() }], (f) => resolve(root, f));
  }

  /**
   * A document outside every workspace folder: checked alone, with its folder as the root; its
   * list files are read only inside that folder, and not at all when the folder is a file
   * system's root.
   */
  private checkOutside(path: string): SetState {
    const root = dirname(path);
    const doc = this.openAt(path);
    const docs = doc && policyFormOf(path) ? [{ path, shown: path.slice(root.length).replace(/^[\\/]/, ''), uri: doc.uri, text: doc.getText() }] : [];
    const reader = dirname(root) === root ? new NoListFiles() : undefined;
    return this.checkTexts(root, docs, (f) => resolve(root, f), reader);
  }

  /** An untitled document: checked alone, with the first workspace folder as its root. */
  private checkUntitled(root: string): SetState {
    const uri = root.slice('untitled:'.length);
    const doc = this.open.get(uri);
    const base = this.folders[0] ?? process.cwd();
    if (!doc) return this.checkTexts(base, [], (f) => f);
    return this.checkTexts(base, [{ path: uri, shown: uri, uri, text: doc.getText() }], (f) => (f === uri ? uri : resolve(base, f)));
  }

  private checkTexts(root: string, docs: { path: string; shown: string; uri: string; text: string }[], absolute: (f: string) => string, reader?: ListFileReader): SetState {
    const diagnostics: Diagnostic[] = [];
    const files = new Map<string, SetFile>();
    const parsed = docs.map((d) => {
      const big = d.text.length > this.options.maxDocumentLength;
      const form = policyFormOf(d.path) ?? 'policy';
      const r = this.parser.parse(big ? '' : d.text, d.shown, form);
      diagnostics.push(...r.diagnostics);
      files.set(d.path, { ...d, ast: r.ast });
      return { path: d.shown, root, ast: r.ast };
    });
    const model = checkParsed(parsed, reader ?? new ListFileReader(root, this.overlay()), root, diagnostics, docs[0]?.shown ?? '.');
    return { root, model, diagnostics: sortDiagnostics(diagnostics), files, loose: true, absolute };
  }

  private openAt(path: string): OpenDocument | undefined {
    for (const d of this.open.values()) if (uriToPath(d.uri) === path) return d;
    return undefined;
  }

  /** The URI to publish a file's diagnostics under: the open document's own, or the file URL. */
  uriOf(path: string): string {
    return this.openAt(path)?.uri ?? (path.includes(':') && !path.startsWith('/') ? path : pathToUri(path));
  }
}
