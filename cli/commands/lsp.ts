// `hush lsp [--stdio]`: the language server on stdin and stdout (the only transport; `--stdio`
// is accepted because editors pass it). The server is loaded only here, so the other commands
// never load the LSP libraries. It runs until the client sends `exit` or closes stdin.
import type { RegisterCommand } from './index.ts';

export interface LspOptions {
  stdio?: boolean;
  debounce?: string;
}

export const registerLsp: RegisterCommand = (program) => {
  program
    .command('lsp')
    .description('start the language server (for editors; speaks LSP on stdin and stdout)')
    .option('--stdio', 'talk over stdin and stdout (the default and only transport)')
    .option('--debounce <ms>', 'wait this long after a change before checking (default 100)')
    .action(async (opts: LspOptions) => {
      const { runStdioServer } = await import('../../lsp/server.ts');
      const debounceMs = opts.debounce === undefined ? undefined : Number(opts.debounce);
      await runStdioServer(debounceMs !== undefined && Number.isFinite(debounceMs) && debounceMs >= 0 ? { debounceMs } : {});
    });
};
