// A decision's JSON, byte for byte what `JSON.stringify(decision)` gives, made faster where a
// decision is large. A message with a link can fire the ~240 rules of its group, and its decision
// lists a match per rule: `{"rule":…,"trigger":…,"evidence":…}`. JSON.stringify walks each of those
// objects key by key (about 300 ns a match on Node 20), when the head of a match is the same text
// for every message (the rule's name and the trigger) and the evidence of a link, a mini-program
// or a card is one object per message shared by every rule it fires (generated/message-context.ts).
// So the heads are kept as text, and an evidence object is turned into JSON once per run of
// matches that share it.
//
// A match is always `{ rule, trigger, evidence }` in that order (runtime/policy/outcome.ts builds
// every one); the other fields of a decision go through JSON.stringify, in the decision's own key
// order. runtime/engine/decision-json.test.ts holds the two outputs equal.
import type { Match } from '../policy/compiled-policy.ts';

/** Below this many matches JSON.stringify is as fast: the decision goes to it whole. */
const FEW_MATCHES = 8;

/** At most this many rule names are kept; past it the cache starts over (rule names come from policies, which reload). */
const MAX_HEADS = 65_536;

/** `{"rule":<rule>,"trigger":<trigger>,"evidence":` by rule, then by trigger. */
let heads = new Map<string, Record<string, string>>();

function matchHead(rule: string, trigger: string): string {
  let byTrigger = heads.get(rule);
  if (byTrigger === undefined) {
    if (heads.size >= MAX_HEADS) heads = new Map();
    byTrigger = Object.create(null) as Record<string, string>;
    heads.set(rule, byTrigger);
  }
  return (byTrigger[trigger] ??= `{"rule":${JSON.stringify(rule)},"trigger":${JSON.stringify(trigger)},"evidence":`);
}

/** The JSON of a decision's `matches`. */
export function matchesJson(matches: readonly Match[]): string {
  const n = matches.length;
  if (n < FEW_MATCHES) return JSON.stringify(matches);
  // Joined once at the end: adding the parts to one string would make a rope of a thousand
  // pieces, which costs as much to flatten when it is encoded as the walk it replaces.
  const parts = new Array<string>(n);
  let evidence: unknown = parts; // no evidence is this array
  let tail = '';
  for (let i = 0; i < n; i++) {
    const m = matches[i];
    if (m.evidence !== evidence) {
      evidence = m.evidence;
      // JSON.stringify leaves out a property whose value is undefined; `evidence` is never so.
      tail = evidence === undefined ? '}' : `${JSON.stringify(evidence)}}`;
    }
    parts[i] = evidence === undefined ? `{"rule":${JSON.stringify(m.rule)},"trigger":${JSON.stringify(m.trigger)}}` : matchHead(m.rule, m.trigger) + tail;
  }
  return `[${parts.join(',')}]`;
}

/** `JSON.stringify(decision)`, with its matches through `matchesJson`. */
export function decisionJson(decision: unknown): string {
  if (typeof decision !== 'object' || decision === null || Array.isArray(decision) || 'toJSON' in decision) return JSON.stringify(decision);
  const matches = (decision as { matches?: unknown }).matches;
  if (!Array.isArray(matches) || matches.length < FEW_MATCHES) return JSON.stringify(decision);
  let out = '{';
  const record = decision as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const value = record[key];
    const json = key === 'matches' ? matchesJson(matches as Match[]) : JSON.stringify(value);
    // undefined, a function or a symbol: JSON.stringify leaves the property out.
    if (json === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${json}`;
  }
  return `${out}}`;
}
