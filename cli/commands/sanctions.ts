// `hush sanctions SUBJECT… --store STORE` or `hush sanctions --all --store STORE`: the sanctions
// in force for some subjects, or for every subject that has one, read from a store (the SQLite
// file or Redis that `hush run --store` wrote), with their steps and end times, as the runtime
// judges them (runtime/engine/sanctions-query.ts); `--history` lists ended and lifted ones too.
// It reads state only: nothing is changed. `--store memory` is an empty store (it holds nothing
// between commands): the command says so and lists nothing. The human form shows times in the
// zone of `--tz` (default +08:00, render/time-zone.ts) and lengths as the policy writes them
// (`24h`, compiler/wording.ts); the JSON form keeps UTC ISO 8601.
import { Option } from 'commander';
import { durationText } from '../../compiler/wording.ts';
import {
  parseTime,
  sanctionedSubjectsOf,
  sanctionedSubjectsOfAsync,
  sanctionsOf,
  sanctionsOfAsync,
  MemoryStore,
  type SanctionView,
  type SubjectSanctions,
} from '../../runtime/index.ts';
import { EXIT, UsageError, type CliIO } from '../io.ts';
import { DEFAULT_SQLITE, openStore, STORE_HELP } from '../store-option.ts';
import { terminalText } from '../render/escape.ts';
import { isoText, parseTimeZone, timeText, type TimeZone } from '../render/time-zone.ts';
import type { RegisterCommand } from './index.ts';

export interface SanctionsOptions {
  store: string;
  at?: string;
  /** Every subject with a sanction in force (or, with `history`, recorded). */
  all?: boolean;
  /** Ended and lifted sanctions too. */
  history?: boolean;
  format: 'human' | 'json';
  /** The time zone of the human output's times (default +08:00). */
  tz?: string;
}

function when(opts: SanctionsOptions): number {
  if (opts.at === undefined) return Date.now();
  try {
    return parseTime(/^\d+$/.test(opts.at) ? Number(opts.at) : opts.at, '--at');
  } catch {
    throw new UsageError(`--at must be an ISO 8601 date-time with a time zone or epoch milliseconds, not \`${opts.at}\``);
  }
}

/** How long a sanction lasts, as the policy writes it (`24h`), when it has an end. */
function length(s: SanctionView): string {
  if (s.until === null) return '';
  const ms = Date.parse(s.until) - Date.parse(s.from);
  return Number.isFinite(ms) && ms > 0 ? ` (${durationText(ms)})` : '';
}

function line(s: SanctionView, at: number, tz: TimeZone): string {
  const step = typeof s.step === 'number' ? `step ${s.step}` : s.step;
  const end = s.until === null ? (s.step === 'linked' ? 'until the WeChat account is unblocked' : 'forever') : `until ${isoText(s.until, tz)}${length(s)}`;
  const state = s.lifted ? `lifted ${isoText(s.lifted.at, tz)} (${s.lifted.reason})` : s.until !== null && Date.parse(s.until) <= at ? 'ended' : 'in force';
  return `  ${s.sanction.padEnd(16)} ${`${s.ladder} ${step}`.padEnd(28)} from ${isoText(s.from, tz)} ${end}${s.appealable ? ', appealable' : ''}  [${state}]  ${s.id}`;
}

/** The subjects asked about, or every sanctioned one (`--all`), with their sanctions. */
async function query(subjects: string[], opts: SanctionsOptions, at: number, io: CliIO): Promise<SubjectSanctions[]> {
  const q = { at, all: opts.history };
  if (opts.store === 'memory') {
    io.stderr('note: `--store memory` holds nothing between commands; name the SQLite file or Redis that `hush run --store` wrote\n');
    const store = new MemoryStore();
    return opts.all ? sanctionedSubjectsOf(store, q) : subjects.map((subject) => ({ subject, sanctions: sanctionsOf(store, subject, q) }));
  }
  const opened = await openStore(opts.store, io.cwd, { mustExist: true });
  try {
    if (opened.kind === 'sync') {
      return opts.all ? sanctionedSubjectsOf(opened.store, q) : subjects.map((subject) => ({ subject, sanctions: sanctionsOf(opened.store, subject, q) }));
    }
    if (opts.all) return await sanctionedSubjectsOfAsync(opened.store, q);
    const out: SubjectSanctions[] = [];
    for (const subject of subjects) out.push({ subject, sanctions: await sanctionsOfAsync(opened.store, subject, q) });
    return out;
  } finally {
    await opened.store.close();
  }
}

export async function runSanctions(subjects: string[], opts: SanctionsOptions, io: CliIO): Promise<number> {
  if (opts.all && subjects.length > 0) throw new UsageError('give subjects or `--all`, not both');
  if (!opts.all && subjects.length === 0) throw new UsageError('name the subjects (member ids), or give `--all` for every subject with a sanction in force');
  const tz = parseTimeZone(opts.tz);
  const at = when(opts);
  const result = await query(subjects, opts, at, io);
  if (opts.format === 'json') {
    io.stdout(JSON.stringify({ at: new Date(at).toISOString(), sanctions: Object.fromEntries(result.map((r) => [r.subject, r.sanctions])) }) + '\n');
    return EXIT.ok;
  }
  const inForce = opts.history ? 'recorded' : `in force at ${timeText(at, tz)}`;
  if (opts.all && result.length === 0) io.stdout(`no sanction ${inForce}\n`);
  for (const { subject, sanctions: xs } of result) {
    io.stdout(`${terminalText(subject)}: ${xs.length === 0 ? `no sanction ${opts.history ? 'recorded' : 'in force'}` : `${xs.length} sanction${xs.length > 1 ? 's' : ''}${opts.history ? '' : ` ${inForce}`}`}\n`);
    // Ids, ladders and reasons come from events: one line of terminal text each.
    for (const s of xs) io.stdout(terminalText(line(s, at, tz)) + '\n');
  }
  return EXIT.ok;
}

export const registerSanctions: RegisterCommand = (program, io, setStatus) => {
  program
    .command('sanctions')
    .description('list the sanctions of subjects, or of every sanctioned subject (--all), from a store (what `hush run --store` recorded)')
    .argument('[subject...]', 'member ids (or --all)')
    .option('--store <store>', `${STORE_HELP}; default: sqlite (${DEFAULT_SQLITE})`, 'sqlite')
    .option('--at <time>', 'the time to judge "in force" at (ISO 8601 or epoch ms; default: now)')
    .option('--all', 'every subject with a sanction in force (with --history: with a sanction recorded)')
    .option('--history', 'list ended and lifted sanctions too')
    .addOption(new Option('--format <format>', 'output format').choices(['human', 'json']).default('human'))
    .option('--tz <zone>', 'the time zone of the human output: a UTC offset (+08:00) or an IANA name (Asia/Shanghai); default +08:00')
    .action(async (subjects: string[], opts: SanctionsOptions) => {
      setStatus(await runSanctions(subjects, opts, io));
    });
};
