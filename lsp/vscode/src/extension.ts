// The VS Code side of Hush: a thin client. It starts `hush lsp --stdio` (the command is a
// setting) and hands it the `.policy` documents, the `*.policy.yaml` documents and the list
// files under `lists/` (so that quick fixes work there and edits re-check the set live). All the
// language knowledge is in the server; highlighting comes from the TextMate grammar, and the
// YAML schema is contributed to Red Hat's YAML extension through `yamlValidation`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

/** How to run the server: the setting, else the workspace's own `hush`, else `hush` on the PATH. */
function serverCommand(): { command: string; args: string[] } {
  const config = vscode.workspace.getConfiguration('hush');
  let path = config.get<string>('server.path', '').trim();
  if (!path) {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const local = join(folder.uri.fsPath, 'node_modules', '.bin', process.platform === 'win32' ? 'hush.cmd' : 'hush');
      if (existsSync(local)) {
        path = local;
        break;
      }
      const checkout = join(folder.uri.fsPath, 'bin', 'hush.js');
      if (existsSync(checkout) && existsSync(join(folder.uri.fsPath, 'lsp', 'server.ts'))) {
        path = checkout;
        break;
      }
    }
  }
  if (!path) path = 'hush';
  if (/\.[cm]?js$/.test(path)) return { command: config.get<string>('server.node', 'node'), args: [path, 'lsp', '--stdio'] };
  return { command: path, args: ['lsp', '--stdio'] };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const { command, args } = serverCommand();
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const serverOptions: ServerOptions = { command, args, options: cwd ? { cwd, shell: process.platform === 'win32' } : {} };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'hush' },
      { scheme: 'untitled', language: 'hush' },
      { scheme: 'file', pattern: '**/*.policy.{yaml,yml}' },
      { scheme: 'file', pattern: '**/lists/**/*.txt' },
    ],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{policy,yaml,yml,txt}'),
    },
    outputChannelName: 'Hush',
  };
  client = new LanguageClient('hush', 'Hush language server', serverOptions, clientOptions);
  context.subscriptions.push(client);
  try {
    await client.start();
  } catch (e) {
    void vscode.window.showErrorMessage(`Hush: could not start \`${command} ${args.join(' ')}\`: ${e instanceof Error ? e.message : String(e)}. Set "hush.server.path".`);
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand('hush.restartServer', async () => {
      await client?.stop();
      client = undefined;
      await start(context);
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
