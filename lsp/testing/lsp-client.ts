// Test helper: a real LSP client over JSON-RPC. It spawns `node bin/hush.js lsp --stdio` as an
// editor would, talks to it with vscode-jsonrpc, records every published diagnostic and waits
// for the ones a test expects.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface PublishedDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  message: string;
  data?: unknown;
  relatedInformation?: unknown[];
}

export class LspClient {
  readonly diagnostics = new Map<string, { version?: number; diagnostics: PublishedDiagnostic[]; count: number }>();
  readonly logs: string[] = [];
  private publishes = 0;
  private readonly waiters = new Set<() => void>();
  private versions = new Map<string, number>();
  exitCode: number | null = null;
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess, readonly conn: MessageConnection) {
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve((this.exitCode = code))));
    conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: PublishedDiagnostic[] }) => {
      this.publishes++;
      this.diagnostics.set(p.uri, { version: p.version, diagnostics: p.diagnostics, count: this.publishes });
      for (const w of [...this.waiters]) w();
    });
    conn.onNotification('window/logMessage', (p: { message: string }) => this.logs.push(p.message));
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('workspace/configuration', () => []);
    conn.listen();
  }

  /** Starts a server and initializes it with the workspace folder `root`. */
  static async start(root: string, initializationOptions: object = { debounceMs: 20 }): Promise<LspClient> {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'hush.js'), 'lsp', '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr!.on('data', () => {});
    const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const c = new LspClient(child, conn);
    c.initializeResult = await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'test' }],
      initializationOptions,
      capabilities: {
        textDocument: { completion: { completionItem: { snippetSupport: true } }, rename: { prepareSupport: true } },
        workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['create'] }, didChangeWatchedFiles: { dynamicRegistration: true } },
      },
    });
    await conn.sendNotification('initialized', {});
    return c;
  }

  initializeResult: unknown;

  request<T = any>(method: string, params: unknown): Promise<T> {
    return this.conn.sendRequest(method, params) as Promise<T>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.conn.sendNotification(method, params);
  }

  async open(uri: string, text: string, languageId = 'hush'): Promise<void> {
    this.versions.set(uri, 1);
    await this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  async change(uri: string, text: string): Promise<void> {
    const v = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, v);
    await this.notify('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text }] });
  }

  /** Sends incremental changes (ranges, as VS Code does) as the document's next version; returns it. */
  async edit(uri: string, contentChanges: { range?: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }[]): Promise<number> {
    const v = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, v);
    await this.notify('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges });
    return v;
  }

  async close(uri: string): Promise<void> {
    await this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  /**
   * Waits until the diagnostics published for `uri` satisfy `ok` (by default: any published for
   * the document's current version) and returns them; throws after `ms`.
   */
  async diagnosticsFor(uri: string, ok?: (ds: PublishedDiagnostic[]) => boolean, ms = 10_000): Promise<PublishedDiagnostic[]> {
    const matching = () => {
      const got = this.diagnostics.get(uri);
      const current = got && (got.version === undefined || got.version === this.versions.get(uri) || !this.versions.has(uri));
      return got && current && (!ok || ok(got.diagnostics)) ? got.diagnostics : undefined;
    };
    const now = matching();
    if (now) return now;
    return new Promise((resolve, reject) => {
      const waiter = () => {
        const m = matching();
        if (!m) return;
        this.waiters.delete(waiter);
        clearTimeout(timer);
        resolve(m);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no matching diagnostics for ${uri} in ${ms} ms; last: ${JSON.stringify(this.diagnostics.get(uri)?.diagnostics.map((d) => d.code))}`));
      }, ms);
      this.waiters.add(waiter);
    });
  }

  /** Shuts the server down politely; returns its exit code. */
  async stop(): Promise<number | null> {
    if (this.exitCode !== null) return this.exitCode;
    await this.request('shutdown', null);
    await this.notify('exit', null);
    const code = await Promise.race([this.exited, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
    this.conn.dispose();
    if (this.exitCode === null) this.child.kill('SIGKILL');
    return code;
  }
}

export const uriOf = (path: string) => pathToFileURL(path).href;

/** An in-memory document, for driving the server's modules in process (benchmarks). */
export function textDocument(uri: string, version: number, text: string): TextDocument {
  return TextDocument.create(uri, 'hush', version, text);
}
