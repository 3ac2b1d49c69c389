// The wording every front end shares, so that `hush explain`, `hush diff`, `hush check` and the
// language server say one thing one way: durations as the policy language writes them (`30m`,
// `1h`, `forever`; the formatter of language/duration.ts), an action as the language writes it
// (`mute 30m`, `blacklist group`, `warn "…"`), and counts with thousands separators (`20,000`).
import { formatDuration } from '../language/duration.ts';
import type { IrAction } from '../runtime/ir.ts';

/** `90s`, `30m`, `1h`, `forever` (null): the shortest text the language reads back as `ms`. */
export function durationText(ms: number | null): string {
  return formatDuration(ms);
}

/** `recall`, `mute 30m`, `blacklist group`, `warn "…"`, `notify owner`, `record spam`. */
export function actionText(a: IrAction): string {
  switch (a.type) {
    case 'warn':
      return `warn ${JSON.stringify(a.text)}`;
    case 'mute':
      return `mute ${durationText(a.ms)}`;
    case 'blacklist':
      return `blacklist ${a.scope}`;
    case 'notify':
      return `notify ${a.target}`;
    case 'record':
      return `record ${a.category}`;
    default:
      return a.type;
  }
}

/**
 * A ladder's sanction as the language writes it: `suspend interop for 1h`, `ban member forever`,
 * and a customer ladder's `mute for 1h`, `mute forever`, `remove`, `blacklist personal`.
 */
export function sanctionText(s: { sanction: string; ms: number | null }): string {
  if (s.sanction === 'remove') return 'remove';
  if (s.sanction.startsWith('blacklist-')) return `blacklist ${s.sanction.slice('blacklist-'.length)}`;
  const d = s.ms === null ? 'forever' : `for ${durationText(s.ms)}`;
  if (s.sanction === 'mute') return `mute ${d}`;
  const [verb, target] = s.sanction.split('-');
  return `${verb} ${target} ${d}`;
}

/** 2000000 → `2,000,000`: a whole number with thousands separators, the same on every machine. */
export function countText(x: number): string {
  return x.toLocaleString('en-US');
}
