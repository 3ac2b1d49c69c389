// `hush explain POLICY --group G --sender S --text T`: decides one message and shows why: the
// decision, the normalised text of each rule, every keyword occurrence with its span (and why a
// dropped one was dropped), every rule that fired with all its evidence, and how the merge
// chose the actions. `--history FILE` decides earlier events first (a flood, a mute, a join).
// Every line is terminal text (render/escape.ts): rule names, ids and texts are shown escaped.
// Durations are shown as the policy writes them (`30m`, compiler/wording.ts) and times in the
// zone of `--tz` (default the policy set's timezone, else +08:00: render/time-zone.ts); the JSON form keeps UTC ISO 8601.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import { actionText, durationText } from '../../compiler/wording.ts';
import { ACTION_ORDER, createEngine, gateShutBecause, isEventError, parseEventLine, type Evidence, type Explanation, type IrPolicySet } from '../../runtime/index.ts';
import { EXIT, UsageError, type CliIO } from '../io.ts';
import { ENGINES, loadPolicy, type EngineChoice } from '../load-policy.ts';
import { terminalText } from '../render/escape.ts';
import { isoText, parseTimeZone, timeZoneFor, type TimeZone } from '../render/time-zone.ts';
import type { RegisterCommand } from './index.ts';

export interface ExplainOptions {
  group: string;
  sender: string;
  kind?: 'customer' | 'member';
  owner?: string;
  text: string;
  link?: string[];
  miniprogram?: string[];
  card?: string[];
  identity?: string[];
  images?: number;
  at?: string;
  history?: string;
  format?: 'human' | 'json';
  engine?: EngineChoice;
  /** The time zone of the human output's times: a UTC offset or an IANA name (default +08:00). */
  tz?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

function count(v: string): number {
  if (!/^\d+$/.test(v.trim())) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return Number(v.trim());
}

function showEvidence(e: Evidence, tz: TimeZone): string {
  if ('keyword' in e) return `${JSON.stringify(e.text)} at ${e.start}..${e.end} (keyword ${JSON.stringify(e.keyword)})`;
  if ('link' in e) return 'index' in e ? `link ${e.link} (links[${e.index}]) is not on the whitelist` : `link ${e.link} at ${e.start}..${e.end} of the text is not on the whitelist`;
  if ('miniprogram' in e) return `mini-program ${e.miniprogram} (miniprograms[${e.index}]) is not on the whitelist`;
  if ('card' in e) return `card ${e.card} (cards[${e.index}]) is not on the whitelist`;
  if ('images' in e) return `${e.images} image(s)`;
  if ('count' in e) return `${e.count} messages in ${durationText(e.windowMs)}, more than ${e.limit}`;
  if ('identity' in e) return `identity ${JSON.stringify(e.identity)}`;
  if ('pattern' in e) return `${JSON.stringify(e.text)} at ${e.start}..${e.end} (pattern ${JSON.stringify(e.pattern)})`;
  if ('joinedAt' in e) return `joined at ${isoText(e.joinedAt, tz)}, less than ${durationText(e.withinMs)} before`;
  return `length ${e.length}, over ${e.max}`;
}

/** The readable trace of one explained message. */
/** `shut`: the rules of the group that did not run on this message, and why (their `exempt` or `during` lines). */
export function renderExplanation(x: Explanation, ir: IrPolicySet, text: string, tz: TimeZone = parseTimeZone(undefined), shut: ReadonlyMap<string, 'exempt' | 'window'> = new Map()): string {
  const { decision: d, trace: t } = x;
  const lines: string[] = [];
  lines.push(`decision: ${d.allowed ? 'allowed' : 'not allowed'}`);
  lines.push(`  actions: ${d.actions.length ? d.actions.map(actionText).join(', ') : 'none'}`);
  const why: Record<string, string> = {
    member: 'the sender is a member of the enterprise: anti-harassment rules do not apply',
    exempt: 'the sender is an exempt customer: no rule applies',
    join: 'a member join',
  };
  if (d.blocked) {
    const b = d.blocked;
    const list = b.list === 'personal' ? `the personal blacklist of ${b.owner}` : b.list === 'enterprise' ? 'the enterprise blacklist' : "the group's blacklist";
    lines.push(`  why: the sender is on ${list}${b.by === 'action' ? ` (added by a blacklist action at ${isoText(b.since ?? '', tz)})` : ''}`);
  } else if (d.muted) lines.push(`  why: the sender is muted in this group ${d.muted.until === null ? 'for ever (a customer ladder)' : `until ${isoText(d.muted.until, tz)}`}`);
  else if (why[t.path]) lines.push(`  why: ${why[t.path]}`);
  else if (t.rules.length === 0) lines.push('  why: no rule applies to this group');
  else if (t.firings.length === 0) lines.push('  why: no rule fired');
  if (d.recorded) lines.push(`  recorded: ${d.recorded.join(', ')}`);
  for (const n of d.notes ?? []) lines.push(`  note: ${n}`);
  if (t.path !== 'rules') return lines.map(terminalText).join('\n') + '\n';
  lines.push(`rules of the group: ${t.rules.join(', ') || 'none'}`);
  for (const [rule, why] of shut) {
    lines.push(`rule ${rule}: not applied: ${why === 'exempt' ? 'the rule exempts the sender (its `exempt customers`)' : 'the message is outside the rule\'s `during` windows'}`);
  }
  lines.push(`text: ${JSON.stringify(text)}`);
  for (const k of t.keywords) {
    lines.push(`rule ${k.rule}: normalised (${k.normalize.join(', ')}): ${JSON.stringify(k.normalized)}`);
    if (k.hits.length === 0) lines.push('  no keyword occurs');
    for (const h of k.hits) {
      const fate = !h.dropped ? 'fires' : h.dropped.reason === 'exception' ? `dropped: inside exception ${JSON.stringify(h.dropped.exception)}` : 'dropped: not a whole word';
      lines.push(`  ${h.pattern ? 'pattern' : 'keyword'} ${JSON.stringify(h.keyword)} at ${h.start}..${h.end} ${JSON.stringify(h.text)}: ${fate}`);
    }
  }
  const rules = new Map(ir.rules.map((r) => [r.name, r]));
  if (t.firings.length) lines.push('fired:');
  for (const f of t.firings) {
    const loc = rules.get(f.rule)?.triggers[f.triggerIndex]?.loc;
    lines.push(`  rule ${f.rule}, when ${f.trigger}${loc ? ` (${loc.file}:${loc.line})` : ''} then ${f.actions.map(actionText).join(', ')}`);
    f.evidence.forEach((e, i) => lines.push(`    ${i === 0 ? 'evidence' : '        +'}: ${showEvidence(e, tz)}`));
  }
  if (t.merge.length) lines.push(`merge (${ACTION_ORDER.join(', ')}):`);
  for (const m of t.merge) {
    lines.push(`  ${actionText(m.action)} from ${m.rule}/${m.trigger}: ${m.outcome}${m.reason ? ` (${m.reason})` : ''}`);
  }
  return lines.map(terminalText).join('\n') + '\n';
}

export async function runExplain(policy: string, o: ExplainOptions, io: CliIO): Promise<number> {
  if (o.tz !== undefined) parseTimeZone(o.tz); // a bad --tz is bad usage before anything is loaded
  const loaded = await loadPolicy([policy], io, o.engine);
  if (!loaded) return EXIT.failed;
  const tz = timeZoneFor(o.tz, loaded.ir.contactQuota?.utcOffsetMinutes ?? loaded.ir.rules.find((r) => r.window)?.window?.utcOffsetMinutes);
  const at = o.at ?? new Date().toISOString();
  const engine = createEngine(loaded.policy, { traceKeywords: loaded.interpreter.traceKeywords });
  if (o.history) {
    let text: string;
    try {
      text = readFileSync(resolve(io.cwd, o.history), 'utf8');
    } catch {
      throw new UsageError(`cannot read the history file ${o.history}`);
    }
    text.split(/\r?\n/).forEach((l, i) => {
      if (l.trim() === '') return;
      const p = parseEventLine(l, () => Date.parse(at));
      if (!p.ok) throw new UsageError(`${o.history}:${i + 1}: ${p.error.field ? `${p.error.field}: ` : ''}${p.error.message}`);
      engine.decide(p.event);
    });
  }
  const event = {
    type: 'message',
    group: o.group,
    ...(o.owner ? { owner: o.owner } : {}),
    sender: { id: o.sender, kind: o.kind ?? 'customer', identities: o.identity ?? [] },
    text: o.text,
    links: o.link ?? [],
    miniprograms: o.miniprogram ?? [],
    cards: o.card ?? [],
    images: o.images ?? 0,
    at,
  };
  const x = engine.explain(event);
  if (isEventError(x)) throw new UsageError(`${x.error.field ? `${x.error.field}: ` : ''}${x.error.message}`);
  const shut = new Map<string, 'exempt' | 'window'>();
  for (const r of loaded.ir.rules) {
    if (!x.trace.rules.includes(r.name)) continue;
    const why = gateShutBecause(r, { sender: { id: o.sender }, at: Date.parse(at) });
    if (why) shut.set(r.name, why);
  }
  io.stdout(o.format === 'json' ? JSON.stringify({ ...x, engine: loaded.engine, notApplied: [...shut].map(([rule, reason]) => ({ rule, reason })) }, null, 2) + '\n' : renderExplanation(x, loaded.ir, o.text, tz, shut));
  return EXIT.ok;
}

export const registerExplain: RegisterCommand = (program, io, setStatus) => {
  program
    .command('explain')
    .description('decide one message and show why: normalised text, keyword spans, rules, merge')
    .argument('<policy>', 'the policy set: a file or a folder')
    .requiredOption('--group <group>', 'the group the message is sent in')
    .requiredOption('--sender <id>', 'the sender')
    .requiredOption('--text <text>', 'the message text')
    .addOption(new Option('--kind <kind>', 'the sender is a customer or a member of the enterprise').choices(['customer', 'member']).default('customer'))
    .option('--owner <member>', "the group's owner (whose personal blacklist applies)")
    .option('--link <url>', 'a link the message carries (repeatable)', collect)
    .option('--miniprogram <appid>', 'a mini-program the message carries (repeatable)', collect)
    .option('--card <id>', 'a contact card the message carries (repeatable)', collect)
    .option('--identity <label>', "one of the sender's identities (repeatable)", collect)
    .option('--images <n>', 'how many images the message carries', count)
    .option('--at <time>', 'the time of the message, ISO 8601 (default: now)')
    .option('--history <file>', 'decide the events of this JSONL file first (earlier messages, joins)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['human', 'json']).default('human'))
    .option('--tz <zone>', 'the time zone of the human output: a UTC offset (+08:00) or an IANA name (Asia/Shanghai); default +08:00')
    .addOption(new Option('--engine <engine>', 'the policy implementation (default: compiled when available)').choices(ENGINES))
    .action(async (policy: string, opts: ExplainOptions) => {
      setStatus(await runExplain(policy, opts, io));
    });
};
