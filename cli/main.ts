// The `hush` command: one commander program, one file per command under cli/commands/. Every
// command returns an exit status (0 ok, 1 failed, 2 bad usage); nothing here prints a stack
// trace for a user's mistake.
import { Command, CommanderError } from 'commander';
import { EXIT, processIO, UsageError, type CliIO } from './io.ts';
import { terminalText } from './render/escape.ts';
import { commands } from './commands/index.ts';

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let status: number = EXIT.ok;
  const program = new Command('hush')
    .description('policy-as-code for group-chat moderation')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run `hush --help` for usage)');
  for (const register of commands) {
    register(program, io, (s) => {
      status = Math.max(status, s);
    });
  }
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (e instanceof UsageError) {
      io.stderr(`hush: ${terminalText(e.message)}\n`);
      return EXIT.usage;
    }
    // Loaded only on this path: commands that never touch the runtime do not pay for it.
    const { StoreError } = await import('../runtime/index.ts');
    if (e instanceof StoreError) {
      // The state could not be read or written: say which and where; nothing was reset.
      io.stderr(`hush: ${e.code}: ${terminalText(e.message)} (${terminalText(e.where)})\n`);
      return EXIT.failed;
    }
    // An internal failure: say so plainly, without a stack trace unless asked for.
    io.stderr(`hush: internal error: ${terminalText(e instanceof Error ? e.message : String(e))}\n`);
    if (process.env.HUSH_DEBUG) io.stderr(`${(e as Error)?.stack ?? ''}\n`);
    return EXIT.failed;
  }
  return status;
}
