// `hush run --format human`: one line per input line, the decision in the policy's words. Actions
// and sanctions as the language writes them (`mute 30m`, `suspend interop for 1h`), times in the
// zone of `--tz` (render/time-zone.ts), the rules that fired as `rule/trigger`. The JSON line the
// engine wrote is the input, so the two formats cannot disagree; everything from an event (ids,
// names, texts) is terminal text.
import { actionText, sanctionText } from '../../compiler/wording.ts';
import type { IrAction } from '../../runtime/index.ts';
import { terminalText } from './escape.ts';
import { isoText, type TimeZone } from './time-zone.ts';

type Obj = Record<string, any>;

function sanctionPart(s: Obj, tz: TimeZone): string {
  const ms = s.until === null || typeof s.until !== 'string' ? null : Date.parse(s.until) - Date.parse(s.from);
  const what = sanctionText({ sanction: String(s.sanction), ms: s.sanction.startsWith('blacklist-') || s.sanction === 'remove' ? null : ms });
  const end = s.until ? ` until ${isoText(s.until, tz)}` : '';
  const lifted = s.lifted ? `, lifted ${isoText(s.lifted.at, tz)} (${s.lifted.reason})` : '';
  return `${s.ladder} step ${s.step}: ${what}${end}${s.appealable ? ', appealable' : ''}${lifted}`;
}

function actionPart(a: Obj, tz: TimeZone): string {
  const text = actionText(a as IrAction);
  return a.type === 'mute' && typeof a.until === 'string' ? `${text} (until ${isoText(a.until, tz)})` : text;
}

/** The human line of decision record `json` (a line of `hush run`'s JSON output) for input line `n`. */
export function decisionLine(n: number, json: string, tz: TimeZone): string {
  let r: Obj;
  try {
    r = JSON.parse(json) as Obj;
  } catch {
    return terminalText(`line ${n}: ${json}`);
  }
  const head = r.msgid !== undefined ? `line ${n} (${r.msgid})` : `line ${n}`;
  if (r.error) {
    const e = r.error as Obj;
    return terminalText(`${head}: error ${e.code}${e.field ? ` at ${e.field}` : ''}: ${e.message}`);
  }
  if (r.skipped) return terminalText(`${head}: skipped (${r.skipped.reason}): ${r.skipped.message}`);
  const parts: string[] = [r.allowed ? 'allowed' : 'not allowed'];
  if (Array.isArray(r.actions) && r.actions.length) parts.push(r.actions.map((a: Obj) => actionPart(a, tz)).join(', '));
  if (r.blocked) parts.push(`blocked by ${r.blocked.list === 'personal' ? `the personal blacklist of ${r.blocked.owner}` : `the ${r.blocked.list} blacklist`}`);
  if (r.muted) parts.push(`muted ${r.muted.until === null ? 'for ever' : `until ${isoText(r.muted.until, tz)}`}`);
  if (r.exempt) parts.push('exempt');
  if (Array.isArray(r.matches) && r.matches.length) parts.push(`fired ${[...new Set(r.matches.map((m: Obj) => `${m.rule}/${m.trigger}`))].join(', ')}`);
  if (Array.isArray(r.recorded) && r.recorded.length) parts.push(`recorded ${r.recorded.join(', ')}`);
  if (r.appeal) parts.push(`appeal ${r.appeal.granted ? 'granted' : 'refused'}${r.appeal.reason ? ` (${r.appeal.reason})` : ''}`);
  for (const s of r.sanctions ?? []) parts.push(sanctionPart(s as Obj, tz));
  for (const note of r.notes ?? []) parts.push(`note: ${note}`);
  return terminalText(`${head}: ${parts.join('; ')}`);
}
