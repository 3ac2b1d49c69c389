// `hush sanctions SUBJECT… --store STORE`: the sanctions in force for subjects, read from a
// persistent store (the SQLite file or Redis that `hush run --store` wrote), with their steps and
// end times, as the runtime judges them (runtime/engine/sanctions-query.ts); `--all` lists ended and lifted ones too. It reads state only: nothing is changed.
import { Option } from 'commander';
import { parseTime, sanctionsOf, sanctionsOfAsync, type SanctionView } from '../../runtime/index.ts';
import { EXIT, UsageError, type CliIO } from '../io.ts';
import { DEFAULT_SQLITE, openStore, STORE_HELP } from '../store-option.ts';
import { terminalText } from '../render/escape.ts';
import type { RegisterCommand } from './index.ts';

export interface SanctionsOptions {
  store: string;
  at?: string;
  all?: boolean;
  format: 'human' | 'json';
}

function when(opts: SanctionsOptions): number {
  if (opts.at === undefined) return Date.now();
  try {
    return parseTime(/^\d+$/.test(opts.at) ? Number(opts.at) : opts.at, '--at');
  } catch {
    throw new UsageError(`--at must be an ISO 8601 date-time with a time zone or epoch milliseconds, not \`${opts.at}\``);
  }
}

function line(s: SanctionView, at: number): string {
  const step = typeof s.step === 'number' ? `step ${s.step}` : s.step;
  const end = s.until === null ? (s.step === 'linked' ? 'until the WeChat account is unblocked' : 'forever') : `until ${s.until}`;
  const state = s.lifted ? `lifted ${s.lifted.at} (${s.lifted.reason})` : s.until !== null && Date.parse(s.until) <= at ? 'ended' : 'in force';
  return `  ${s.sanction.padEnd(16)} ${`${s.ladder} ${step}`.padEnd(28)} from ${s.from} ${end}${s.appealable ? ', appealable' : ''}  [${state}]  ${s.id}`;
}

export async function runSanctions(subjects: string[], opts: SanctionsOptions, io: CliIO): Promise<number> {
  const at = when(opts);
  if (opts.store === 'memory') throw new UsageError('`--store memory` holds nothing between commands: name the SQLite file or Redis that `hush run --store` wrote');
  const opened = await openStore(opts.store, io.cwd, { mustExist: true });
  const result: Record<string, SanctionView[]> = {};
  try {
    for (const subject of subjects) {
      const q = { at, all: opts.all };
      result[subject] = opened.kind === 'sync' ? sanctionsOf(opened.store, subject, q) : await sanctionsOfAsync(opened.store, subject, q);
    }
  } finally {
    await opened.store.close();
  }
  if (opts.format === 'json') {
    io.stdout(JSON.stringify({ at: new Date(at).toISOString(), sanctions: result }) + '\n');
    return EXIT.ok;
  }
  for (const subject of subjects) {
    const xs = result[subject];
    io.stdout(`${terminalText(subject)}: ${xs.length === 0 ? `no sanction ${opts.all ? 'recorded' : 'in force'}` : `${xs.length} sanction${xs.length > 1 ? 's' : ''}${opts.all ? '' : ` in force at ${new Date(at).toISOString()}`}`}\n`);
    // Ids, ladders and reasons come from events: one line of terminal text each.
    for (const s of xs) io.stdout(terminalText(line(s, at)) + '\n');
  }
  return EXIT.ok;
}

export const registerSanctions: RegisterCommand = (program, io, setStatus) => {
  program
    .command('sanctions')
    .description('list the sanctions of subjects from a persistent store (what `hush run --store` recorded)')
    .argument('<subject...>', 'member ids')
    .option('--store <store>', `${STORE_HELP}; default: sqlite (${DEFAULT_SQLITE})`, 'sqlite')
    .option('--at <time>', 'the time to judge "in force" at (ISO 8601 or epoch ms; default: now)')
    .option('--all', 'list ended and lifted sanctions too')
    .addOption(new Option('--format <format>', 'output format').choices(['human', 'json']).default('human'))
    .action(async (subjects: string[], opts: SanctionsOptions) => {
      setStatus(await runSanctions(subjects, opts, io));
    });
};
