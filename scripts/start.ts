// `npm start`: the tour. Checks and compiles every example policy set, then decides the sample
// event stream (examples/sample-messages.jsonl: messages, joins, reported violations, appeals,
// contact-add attempts) with the retail set, printing one line per event and a summary. State
// lives in the embedded default store, a SQLite file under the working folder
// (.hush/start/state.db, started afresh by each tour); at the end the file is reopened to show
// that the sanctions are still there.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { processIO } from '../cli/io.ts';
import { stringWidth } from '../cli/render/display-width.ts';
import { loadPolicy } from '../cli/load-policy.ts';
import { policySetToIr } from '../compiler/lower/policy-set-to-ir.ts';
import { createEngine, parseEventLine, SqliteStore, type Decision, type Evidence } from '../runtime/index.ts';

const root = join(import.meta.dirname, '..');
const examples = join(root, 'examples');
const io = { ...processIO(), cwd: root };
const out = (s: string) => process.stdout.write(s + '\n');

function evidenceText(e: Evidence): string {
  if ('keyword' in e || 'pattern' in e) return `"${e.text}" at ${e.start}..${e.end}`;
  if ('link' in e) return e.link;
  if ('miniprogram' in e) return e.miniprogram;
  if ('card' in e) return e.card;
  if ('count' in e) return `${e.count} messages > ${e.limit}`;
  if ('identity' in e) return e.identity;
  if ('images' in e) return `${e.images} images`;
  if ('joinedAt' in e) return `joined ${e.joinedAt}`;
  return `${e.length} characters`;
}

/** The text cut to `n` columns and padded to exactly `n`. */
function clip(s: string, n: number): string {
  let out = '';
  for (const c of s.replace(/\s+/g, ' ')) {
    if (stringWidth(out + c) > n - 1) {
      out += '…';
      break;
    }
    out += c;
  }
  return out + ' '.repeat(Math.max(0, n - stringWidth(out)));
}

out('Hush: policy-as-code for group-chat moderation\n');
out('1. Checking and compiling the examples');
let failed = false;
for (const name of readdirSync(examples).sort()) {
  const dir = join(examples, name);
  if (!statSync(dir).isDirectory()) continue;
  // Policy sets only: examples/ci holds a CI workflow and its corpus.
  if (!readdirSync(dir).some((f) => /\.policy(\.ya?ml)?$/.test(f))) continue;
  const r = policySetToIr([relative(root, dir)], { cwd: root });
  const count = (s: string) => r.diagnostics.filter((d) => d.severity === s).length;
  const rules = r.ir ? `${r.ir.rules.length} rule(s), ${r.ir.ladders.length} ladder(s)` : 'not compiled';
  out(`   ${name.padEnd(12)} ${count('error')} errors, ${count('warning')} warnings: ${rules}`);
  if (!r.ir) failed = true;
}
if (failed) {
  out('\nAn example has errors: run `node bin/hush.js check examples` for the details.');
  process.exit(1);
}

const loaded = await loadPolicy(['examples/retail'], io);
if (!loaded) process.exit(1);
const stateDir = join(root, '.hush', 'start');
const stateFile = join(stateDir, 'state.db');
// The tour's own state file, started afresh so that every tour decides alike.
mkdirSync(stateDir, { recursive: true });
for (const f of ['', '-wal', '-shm']) rmSync(stateFile + f, { force: true });
const store = new SqliteStore(stateFile);
out(`\n2. Deciding examples/sample-messages.jsonl with examples/retail (${loaded.engine} engine, SQLite store ${relative(root, stateFile)})\n`);
const engine = createEngine(loaded.policy, { store });
const subjects = new Set<string>();
const lines = readFileSync(join(examples, 'sample-messages.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
const tally = { allowed: 0, stopped: 0, invalid: 0, ladder: 0, actions: new Map<string, number>(), rules: new Map<string, number>() };
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
lines.forEach((line, i) => {
  const n = String(i + 1).padStart(2);
  const p = parseEventLine(line);
  if (!p.ok) {
    tally.invalid++;
    out(`${n}  invalid event: ${p.error.field ? `${p.error.field}: ` : ''}${p.error.message}`);
    return;
  }
  const e = p.event;
  const d: Decision = engine.decide(e);
  if (e.type === 'join') {
    out(`${n}  ${e.member} joined ${e.group}`);
    return;
  }
  if (e.type !== 'message') {
    subjects.add(e.subject);
    tally.ladder++;
    const replay = d.strikes?.some((x) => x.duplicate) ? ' (a replay: already recorded, nothing applied twice)' : '';
    const what = e.type === 'contact.add' ? `${e.subject} adds ${e.contact}` : e.type === 'linked.status' ? `${e.subject}'s WeChat ${e.status}` : `${e.subject} ${e.type}`;
    const s = (d.sanctions ?? []).map((x) => `${x.ladder} step ${x.step}: ${x.sanction} until ${x.until ?? 'forever'}${x.appealable ? ', appealable' : ''}`).join('; ');
    out(`${n}  ${what.padEnd(39)} ${d.allowed ? 'allowed' : 'STOPPED'}${d.reason ? ` (${d.reason})` : ''}${d.appeal ? ` (${d.appeal.reason})` : ''}${replay}${s ? `  [${s}]` : ''}`);
    return;
  }
  if (d.allowed) tally.allowed++;
  else tally.stopped++;
  for (const a of d.actions) bump(tally.actions, a.type);
  for (const m of d.matches) bump(tally.rules, `${m.rule}/${m.trigger}`);
  let verdict = d.allowed ? 'allowed' : 'STOPPED';
  if (d.actions.length) verdict += `: ${d.actions.map((a) => a.type).join(', ')}`;
  if (d.blocked) verdict += ` (${d.blocked.list} blacklist)`;
  if (d.muted) verdict += ` (muted until ${d.muted.until})`;
  if (d.exempt) verdict += ' (exempt)';
  if (e.sender.kind === 'member') verdict += ' (member)';
  else if (d.allowed && loaded.policy.rulesForGroup(e.group).length === 0) verdict += ' (no rule applies to the group)';
  const why = d.matches.map((m) => `${m.trigger} ${evidenceText(m.evidence)}`).join('; ');
  out(`${n}  ${e.sender.id.padEnd(10)} ${clip(e.text, 28)}  ${verdict}${why ? `  [${why}]` : ''}`);
});
store.close();
const list = (m: Map<string, number>) => [...m].map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
out(`\n3. Summary: ${lines.length} events; ${tally.allowed} messages allowed, ${tally.stopped} stopped; ${tally.ladder} ladder events; ${tally.invalid} invalid`);
out(`   actions: ${list(tally.actions)}`);
out(`   fired:   ${list(tally.rules)}`);
// The state is in the file: reopen it (as a restarted process would) and list what stands.
const reopened = new SqliteStore(stateFile, { mustExist: true });
const later = createEngine(loaded.policy, { store: reopened });
const when = Date.parse('2026-11-24T12:30:00+08:00');
out(`\n4. Reopened ${relative(root, stateFile)}: sanctions in force at ${new Date(when).toISOString()}`);
for (const subject of [...subjects].sort()) {
  const now = later.sanctions(subject, when);
  const text = now.map((x) => `${x.sanction} (${x.ladder} step ${x.step}) until ${x.until ?? 'forever'}`).join('; ') || 'none';
  out(`   ${subject.padEnd(10)} ${text}`);
}
reopened.close();
out('\nNext: `node bin/hush.js explain examples/retail --group wrggevkj9m --sender c-1 --text "加@微@信"`');
