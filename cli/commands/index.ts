// The table of commands. Each entry adds one subcommand to the program; `setStatus` raises the
// process's exit status.
import type { Command } from 'commander';
import type { CliIO } from '../io.ts';

export type RegisterCommand = (program: Command, io: CliIO, setStatus: (status: number) => void) => void;

export const commands: RegisterCommand[] = [];
