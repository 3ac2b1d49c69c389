// Diffs two lists of strings: entries added and removed. IR lists are sorted (UTF-16 code-unit
// order) and distinct, so one merge pass does it in linear time: two 2,000,000-entry enterprise
// blacklists take tens of milliseconds, not a Set of four million strings. The merge checks the
// order as it goes; input that is not sorted and distinct (a hand-made IR) is sorted, then merged.
import { countText as count } from '../wording.ts';
import type { EntrySample } from './types.ts';

export interface ListDelta {
  added: string[];
  removed: string[];
}

/** The merge of two sorted, distinct lists; null as soon as either turns out not to be. */
function merge(a: readonly string[], b: readonly string[]): ListDelta | null {
  const added: string[] = [];
  const removed: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x === y) {
      i++;
      j++;
    } else if (x < y) {
      removed.push(x);
      i++;
    } else {
      added.push(y);
      j++;
    }
    // Each list must keep rising; checked only where the merge moved, so one pass does both.
    if ((i > 0 && i < a.length && !(a[i - 1] < a[i])) || (j > 0 && j < b.length && !(b[j - 1] < b[j]))) return null;
  }
  for (; i < a.length; i++) {
    if (i > 0 && !(a[i - 1] < a[i])) return null;
    removed.push(a[i]);
  }
  for (; j < b.length; j++) {
    if (j > 0 && !(b[j - 1] < b[j])) return null;
    added.push(b[j]);
  }
  return { added, removed };
}

export function diffLists(base: readonly string[], head: readonly string[]): ListDelta {
  if (base === head) return { added: [], removed: [] };
  // Most lists do not change: equal lists need one comparison an entry, not a checked merge.
  if (base.length === head.length) {
    let k = 0;
    while (k < base.length && base[k] === head[k]) k++;
    if (k === base.length) return { added: [], removed: [] };
  }
  return merge(base, head) ?? merge([...new Set(base)].sort(), [...new Set(head)].sort())!;
}

/** Up to this many entries a list change is itemised, one change per entry with its own place. */
export const ITEMISE_MAX = 10;

/** How many entries a big list change names. */
export const SAMPLE_SIZE = 5;

export function sampleOf(entries: readonly string[]): EntrySample {
  return { count: entries.length, sample: entries.slice(0, SAMPLE_SIZE) };
}

/** `3 groups`, `1 group` */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}
