// The language server (`hush lsp`): the protocol side. It keeps the open documents, re-checks
// the policy set of a document shortly after each change (policy-sets.ts), publishes the
// diagnostics of every file of the set, and answers the editor's requests with the modules
// beside it. Every handler is guarded: a mistake in a request (unknown document, malformed
// parameters) or a failure inside Hush gets an empty answer and a line in the client's log,
// never a crash; the server keeps answering.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  CodeActionKind, DidChangeWatchedFilesNotification, ErrorCodes, FileChangeType, MarkupKind,
  ResponseError, TextDocuments, TextDocumentSyncKind, type CodeAction, type Connection, type Diagnostic as LspDiagnostic,
  type InitializeParams, type InitializeResult, type Location, type TextDocumentEdit, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver';
import { createConnection } from 'vscode-languageserver/node.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { formatPolicyText } from '../language/ast-to-text.ts';
import { diagnostic, START_RANGE } from '../language/diagnostic.ts';
import { policyFormOf } from '../compiler/load/discover-files.ts';
import { countText } from '../compiler/wording.ts';
import { quickFixes, type Fix } from './code-actions.ts';
import { complete } from './completion.ts';
import { hover } from './hover.ts';
import { definition, prepareRename, references, rename, RenameError, type HushEdit, type HushLocation } from './navigation.ts';
import { documentSymbols, foldingRanges } from './outline.ts';
import { DEFAULT_MAX_DOCUMENT_LENGTH, uriToPath, Workspace, type SetFile, type SetState } from './policy-sets.ts';
import { spanToLsp, toLspDiagnostic, toLspRange, type DiagnosticData, type PositionSource } from './to-lsp.ts';
import { updateDocument } from './text-sync.ts';

export interface ServerOptions {
  /** Delay between a change and the check it causes, in ms (default 100). */
  debounceMs?: number;
  /** Open documents longer than this are not checked live (default 2,000,000 UTF-16 units). */
  maxDocumentLength?: number;
}

/** More diagnostics than this for one file are cut, so a broken list cannot flood the editor. */
const MAX_DIAGNOSTICS_PER_FILE = 1000;

export function startServer(connection: Connection, defaults: ServerOptions = {}): void {
  // Every change is checked and clamped before it is applied (text-sync.ts): a range far past
  // the end of the document must not reach the library's line table.
  const documents = new TextDocuments<TextDocument>({
    create: TextDocument.create,
    update: (doc, changes, version) => {
      const r = updateDocument(doc, changes, version);
      if (!r.ok) connection.console.error(`hush: refused a change of ${doc.uri} (version ${String(version)}): ${r.reason}; the document stays at version ${doc.version}`);
      return doc;
    },
  });
  let debounceMs = defaults.debounceMs ?? 100;
  let workspace = new Workspace({ maxDocumentLength: defaults.maxDocumentLength ?? DEFAULT_MAX_DOCUMENT_LENGTH });
  let snippets = false;
  let canCreateFiles = false;
  let documentChanges = false;
  let watchDynamically = false;
  let foldersChange = false;
  const timers = new Map<string, NodeJS.Timeout>();
  const published = new Map<string, Set<string>>();
  const fresh = new Set<string>();
  const fileTexts = new WeakMap<SetFile, TextDocument>();

  const log = (what: string, e: unknown) => connection.console.error(`hush: ${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);

  /** Runs a handler; a failure is logged and answered with `fallback`. */
  const guard = <T>(what: string, fallback: T, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      if (e instanceof RenameError) throw new ResponseError(ErrorCodes.InvalidRequest, e.message);
      log(what, e);
      return fallback;
    }
  };

  // --- positions of any file -----------------------------------------------------------------

  const openDoc = (path: string) => {
    const uri = workspace.uriOf(path);
    return documents.get(uri);
  };

  /** The text of a file as the editor sees it: the open document, else the disk. */
  const textOf = (path: string): string | undefined => {
    const d = openDoc(path);
    if (d) return d.getText();
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };

  const positionsOf = (set: SetState | undefined, path: string): PositionSource | undefined => {
    const d = openDoc(path);
    if (d) return d;
    const f = set?.files.get(path);
    if (!f) return undefined;
    let t = fileTexts.get(f);
    if (!t) fileTexts.set(f, (t = TextDocument.create(f.uri, 'hush', 0, f.text)));
    return t;
  };

  const toLocation = (set: SetState, l: HushLocation): Location => ({ uri: workspace.uriOf(l.path), range: toLspRange(l.range, positionsOf(set, l.path)) });

  // --- diagnostics ---------------------------------------------------------------------------

  const tooLargeDiagnostic = (doc: TextDocument): LspDiagnostic =>
    toLspDiagnostic(
      diagnostic('hush/lsp/file-too-large', 'warning', `this file is too large to check as you type (${(doc.getText().length / 1e6).toFixed(1)} million characters)`, doc.uri, START_RANGE, {
        help: `run \`hush check\` in a terminal, or move long lists into list files (\`from "lists/…"\`); the limit is ${countText(workspace.options.maxDocumentLength)} characters`,
      }),
      doc,
      (f) => ({ uri: f }),
    );

  const publish = (root: string) => {
    const set = workspace.state(root);
    const byUri = new Map<string, LspDiagnostic[]>();
    const push = (s: SetState, diags: typeof s.diagnostics) => {
      for (const d of diags) {
        const abs = s.absolute(d.file);
        const uri = workspace.uriOf(abs);
        const xs = byUri.get(uri) ?? [];
        byUri.set(uri, xs);
        if (xs.length >= MAX_DIAGNOSTICS_PER_FILE) continue;
        xs.push(toLspDiagnostic(d, positionsOf(s, abs), (f) => {
          const p = s.absolute(f);
          return { uri: workspace.uriOf(p), text: positionsOf(s, p) };
        }));
      }
    };
    push(set, set.diagnostics);
    for (const doc of documents.all()) {
      if (workspace.rootOfUri(doc.uri) !== root) continue;
      const path = uriToPath(doc.uri);
      if (workspace.tooLarge(doc)) {
        byUri.set(doc.uri, [tooLargeDiagnostic(doc)]);
        continue;
      }
      if (path && !set.files.has(path) && policyFormOf(path)) {
        const alone = workspace.fileOf(doc.uri).set;
        byUri.delete(doc.uri);
        push(alone, alone.diagnostics.filter((d) => alone.absolute(d.file) === path));
      }
      if (!uriToPath(doc.uri) && !set.files.has(doc.uri)) continue;
      if (!byUri.has(doc.uri)) byUri.set(doc.uri, []);
    }
    const before = published.get(root) ?? new Set<string>();
    for (const uri of before) if (!byUri.has(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
    for (const [uri, diagnostics] of byUri) {
      const doc = documents.get(uri);
      void connection.sendDiagnostics(doc ? { uri, version: doc.version, diagnostics } : { uri, diagnostics });
    }
    published.set(root, new Set(byUri.keys()));
  };

  const schedule = (root: string, delay: number) => {
    clearTimeout(timers.get(root));
    timers.set(
      root,
      setTimeout(() => {
        timers.delete(root);
        try {
          publish(root);
        } catch (e) {
          log(`checking ${root}`, e);
        }
      }, delay),
    );
  };

  // --- lifecycle -----------------------------------------------------------------------------

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const opts = (params.initializationOptions ?? {}) as ServerOptions;
    if (typeof opts.debounceMs === 'number' && opts.debounceMs >= 0) debounceMs = opts.debounceMs;
    if (typeof opts.maxDocumentLength === 'number' && opts.maxDocumentLength > 0) workspace = new Workspace({ maxDocumentLength: opts.maxDocumentLength });
    const folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
    const rootFromUri = params.rootUri ? uriToPath(params.rootUri) : undefined;
    workspace.folders = folders.length ? folders : rootFromUri ? [rootFromUri] : params.rootPath ? [params.rootPath] : [];
    const caps = params.capabilities ?? {};
    snippets = !!caps.textDocument?.completion?.completionItem?.snippetSupport;
    documentChanges = !!caps.workspace?.workspaceEdit?.documentChanges;
    canCreateFiles = documentChanges && !!caps.workspace?.workspaceEdit?.resourceOperations?.includes('create');
    watchDynamically = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    foldersChange = !!caps.workspace?.workspaceFolders;
    return {
      capabilities: {
        positionEncoding: 'utf-16',
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: ['"', '/'] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'hush', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (watchDynamically) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{policy,yaml,yml,txt,csv,list}' }] })
        .catch((e) => log('registering file watchers', e));
    }
    if (foldersChange) {
      connection.workspace.onDidChangeWorkspaceFolders((ev) => {
        const removed = new Set(ev.removed.map((f) => uriToPath(f.uri)));
        workspace.folders = [...workspace.folders.filter((f) => !removed.has(f)), ...ev.added.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p)];
        workspace.foldersChanged();
        for (const root of workspace.openRoots()) schedule(root, 0);
      });
    }
  });

  connection.onDidChangeWatchedFiles((params) => {
    guard('watched files', undefined, () => {
      for (const c of params.changes) {
        const path = uriToPath(c.uri);
        if (!path) continue;
        if (c.type === FileChangeType.Deleted) workspace.parser.forget(path);
        for (const root of workspace.fileChanged(path)) schedule(root, debounceMs);
      }
      for (const root of workspace.openRoots()) schedule(root, debounceMs);
    });
  });

  // --- documents -----------------------------------------------------------------------------

  documents.onDidOpen((e) => {
    fresh.add(e.document.uri);
  });
  documents.onDidChangeContent((e) => {
    guard('change', undefined, () => {
      const root = workspace.update(e.document);
      schedule(root, fresh.delete(e.document.uri) ? 0 : debounceMs);
    });
  });
  documents.onDidClose((e) => {
    guard('close', undefined, () => {
      fresh.delete(e.document.uri);
      schedule(workspace.close(e.document.uri), 0);
    });
  });

  /** The document, its set and its policy file for a request; undefined when not open. */
  const at = (params: { textDocument?: { uri?: string }; position?: { line: number; character: number } }) => {
    const uri = params?.textDocument?.uri;
    const doc = uri === undefined ? undefined : documents.get(uri);
    if (!doc) return undefined;
    const { set, file } = workspace.fileOf(doc.uri);
    const offset = params.position ? doc.offsetAt(params.position) : 0;
    return { doc, set, file, offset };
  };

  // --- requests ------------------------------------------------------------------------------

  connection.onCompletion((params) =>
    guard('completion', [], () => {
      const a = at(params);
      if (!a) return [];
      const path = uriToPath(a.doc.uri);
      if (path && policyFormOf(path) === 'yaml') return [];
      return complete({ text: a.doc.getText(), offset: a.offset, positions: a.doc, dir: path ? dirname(path) : undefined, model: a.set.model, snippets });
    }),
  );

  connection.onHover((params) =>
    guard('hover', null, () => {
      const a = at(params);
      if (!a?.file || workspace.tooLarge(a.doc)) return null;
      const h = hover(a.doc.getText(), a.file.ast, a.file.shown, a.offset, a.set.model);
      if (!h) return null;
      return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: spanToLsp(h.start, h.end, a.doc) };
    }),
  );

  connection.onDefinition((params) =>
    guard('definition', [], () => {
      const a = at(params);
      if (!a?.file) return [];
      return definition(a.set, a.file, a.offset).map((l) => toLocation(a.set, l));
    }),
  );

  connection.onReferences((params) =>
    guard('references', [], () => {
      const a = at(params);
      if (!a?.file) return [];
      return references(a.set, a.file, a.offset, !!params.context?.includeDeclaration).map((l) => toLocation(a.set, l));
    }),
  );

  connection.onPrepareRename((params) =>
    guard('prepare rename', null, () => {
      const a = at(params);
      if (!a?.file) return null;
      const p = prepareRename(a.set, a.file, a.offset);
      return p ? { range: toLspRange(p.range, a.doc), placeholder: p.placeholder } : null;
    }),
  );

  /** Hush edits as a workspace edit: `changes` by URI, or `documentChanges` when files are created. */
  const workspaceEdit = (set: SetState, edits: { path: string; edit: TextEdit }[], creates: { path: string; text: string }[] = []): WorkspaceEdit => {
    if (creates.length === 0 || !documentChanges) {
      const changes: Record<string, TextEdit[]> = {};
      for (const e of edits) (changes[workspace.uriOf(e.path)] ??= []).push(e.edit);
      return { changes };
    }
    const out: WorkspaceEdit['documentChanges'] = [];
    for (const c of creates) {
      const uri = workspace.uriOf(c.path);
      out.push({ kind: 'create', uri, options: { overwrite: false, ignoreIfExists: false } });
      out.push({ textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: c.text }] });
    }
    const byUri = new Map<string, TextDocumentEdit>();
    for (const e of edits) {
      const uri = workspace.uriOf(e.path);
      let de = byUri.get(uri);
      if (!de) {
        de = { textDocument: { uri, version: documents.get(uri)?.version ?? null }, edits: [] };
        byUri.set(uri, de);
        out.push(de);
      }
      de.edits.push(e.edit);
    }
    void set;
    return { documentChanges: out };
  };

  connection.onRenameRequest((params) =>
    guard('rename', null, () => {
      const a = at(params);
      if (!a?.file) return null;
      const edits = rename(a.set, a.file, a.offset, String(params.newName ?? ''));
      return workspaceEdit(a.set, edits.map((e: HushEdit) => ({ path: e.path, edit: { range: toLspRange(e.range, positionsOf(a.set, e.path)), newText: e.newText } })));
    }),
  );

  connection.onDocumentFormatting((params) =>
    guard('formatting', [], () => {
      const a = at(params);
      if (!a) return [];
      const path = uriToPath(a.doc.uri) ?? a.doc.uri;
      if (policyFormOf(path) === 'yaml' || workspace.tooLarge(a.doc)) return [];
      const text = a.doc.getText();
      const r = formatPolicyText(text, path);
      if (r.text === undefined || r.text === text) return [];
      return [{ range: spanToLsp(0, text.length, a.doc), newText: r.text }];
    }),
  );

  connection.onCodeAction((params) =>
    guard('code action', [], () => {
      const a = at(params);
      if (!a) return [];
      if (params.context?.only && !params.context.only.some((k) => CodeActionKind.QuickFix.startsWith(k))) return [];
      const path = uriToPath(a.doc.uri) ?? a.doc.uri;
      const actions: CodeAction[] = [];
      for (const d of params.context?.diagnostics ?? []) {
        if (typeof d.code !== 'string' || !d.code.startsWith('hush/')) continue;
        const fixes: Fix[] = quickFixes(
          { set: a.set, file: a.file, path, text: a.doc.getText(), textOf, canCreateFiles },
          { code: d.code, start: a.doc.offsetAt(d.range.start), end: a.doc.offsetAt(d.range.end), help: (d.data as DiagnosticData | undefined)?.help },
        );
        for (const f of fixes) {
          const edits = f.edits.map((e) => {
            const t = textOf(e.path) ?? '';
            const positions = openDoc(e.path) ?? TextDocument.create('file:///x', 'plaintext', 0, t);
            return { path: e.path, edit: { range: spanToLsp(e.start, e.end, positions), newText: e.newText } };
          });
          const action: CodeAction = { title: f.title, kind: CodeActionKind.QuickFix, diagnostics: [d], edit: workspaceEdit(a.set, edits, f.creates) };
          if (f.preferred) action.isPreferred = true;
          actions.push(action);
        }
      }
      return actions;
    }),
  );

  connection.onDocumentSymbol((params) =>
    guard('document symbols', [], () => {
      // From the parse alone: asked after every keystroke, it must not check the set.
      const doc = documents.get(params.textDocument.uri);
      if (!doc || workspace.tooLarge(doc)) return [];
      const ast = workspace.astOf(doc.uri);
      return ast ? documentSymbols(ast, doc) : [];
    }),
  );

  connection.onFoldingRanges((params) =>
    guard('folding ranges', [], () => {
      // From the parse alone: asked after every keystroke, it must not check the set.
      const doc = documents.get(params.textDocument.uri);
      if (!doc || workspace.tooLarge(doc)) return [];
      const ast = workspace.astOf(doc.uri);
      return ast ? foldingRanges(ast, doc) : [];
    }),
  );

  // `hush/viewFileText`: the text the server holds for an open document and its version (null
  // when it is not open), to see whether the editor and the server agree on it (rust-analyzer
  // has the same request). The synchronisation tests compare it with their own model.
  connection.onRequest('hush/viewFileText', (params: { textDocument?: { uri?: unknown } }) =>
    guard('view file text', null, () => {
      const uri = params?.textDocument?.uri;
      const doc = typeof uri === 'string' ? documents.get(uri) : undefined;
      return doc ? { version: doc.version, text: doc.getText() } : null;
    }),
  );

  documents.listen(connection);
  connection.listen();
}

/** `hush lsp --stdio`: serves on stdin and stdout until the client says `exit`. */
export function runStdioServer(options: ServerOptions = {}): Promise<void> {
  const connection = createConnection(process.stdin, process.stdout);
  // A failure outside a handler (in a timer, in a stream) is logged; the server goes on.
  process.on('uncaughtException', (e) => connection.console.error(`hush: uncaught: ${e.stack ?? e.message}`));
  process.on('unhandledRejection', (e) => connection.console.error(`hush: unhandled: ${String(e)}`));
  startServer(connection, options);
  return new Promise((resolve) => {
    connection.onExit(() => resolve());
    process.stdin.on('end', () => resolve());
  });
}
