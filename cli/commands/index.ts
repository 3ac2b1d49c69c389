// The table of commands. Each entry adds one subcommand to the program; `setStatus` raises the
// process's exit status.
import type { Command } from 'commander';
import type { CliIO } from '../io.ts';
import { registerCheck } from './check.ts';
import { registerCompile } from './compile.ts';
import { registerExplain } from './explain.ts';
import { registerConvert } from './convert.ts';
import { registerDiff } from './diff.ts';
import { registerExport } from './export.ts';
import { registerFmt } from './fmt.ts';
import { registerInit } from './init.ts';
import { registerLsp } from './lsp.ts';
import { registerRun } from './run.ts';
import { registerSanctions } from './sanctions.ts';
import { registerServe } from './serve.ts';
import { registerTest } from './test.ts';
import { registerWorker } from './worker.ts';

export type RegisterCommand = (program: Command, io: CliIO, setStatus: (status: number) => void) => void;

export const commands: RegisterCommand[] = [registerCheck, registerCompile, registerFmt, registerLsp, registerRun, registerSanctions, registerExplain, registerTest, registerConvert, registerDiff, registerServe, registerWorker, registerExport, registerInit];
