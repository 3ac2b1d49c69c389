// Diffs the set's own variant lines (`variants of "微信" …`, spec/language.md §10). A spelling
// added to a word makes every keyword holding the word match in one more spelling (stricter) and
// every exception phrase holding it swallow more hits (looser), in the rules whose steps have
// `variants` and that have a `when keyword` line; removed, the reverse. So the effect of a word's
// change is read from the rules of both versions: keywords only, stricter; exceptions only,
// looser; both, both; neither, equivalent (no rule reads the word). "Holding the word" compares as
// the `variants` step finds words (in any case and width): a keyword that holds it inside a longer
// table word (`微` in `微信`) is counted too, which can only call a change stricter that is not.
import type { IrPolicySet, IrRule, IrVariant } from '../../runtime/ir.ts';
import { variantWordKey } from '../../runtime/text/variants.ts';
import { DIFF_CODES } from './codes.ts';
import { q } from './describe.ts';
import { entryChanges } from './entry-changes.ts';
import { diffLists } from './list-diff.ts';
import { fromIrLoc, setEntryLoc, setListLoc, type Side } from './side.ts';
import type { Change, DiffLoc, Effect } from './types.ts';

/** Which of a word's uses the rules of a version have: in keywords, in exception phrases. */
function uses(ir: IrPolicySet, word: string): { keywords: boolean; exceptions: boolean } {
  const out = { keywords: false, exceptions: false };
  const reads = (r: IrRule) => r.normalize.includes('variants') && r.triggers.some((t) => t.type === 'keyword');
  for (const r of ir.rules) {
    if (!reads(r)) continue;
    if (r.keywords.some((k) => variantWordKey(k.text).includes(word))) out.keywords = true;
    if (r.exceptions.some((e) => variantWordKey(e).includes(word))) out.exceptions = true;
  }
  return out;
}

export function diffVariants(baseSide: Side, headSide: Side, anchor: DiffLoc | null): Change[] {
  const b = baseSide.ir.variants ?? [];
  const h = headSide.ir.variants ?? [];
  const byWord = (xs: IrVariant[]) => new Map(xs.map((v) => [v.word, v] as const));
  const bw = byWord(b);
  const hw = byWord(h);
  const changes: Change[] = [];
  for (const word of [...new Set([...bw.keys(), ...hw.keys()])].sort()) {
    const x = bw.get(word);
    const y = hw.get(word);
    const d = diffLists(x?.spellings ?? [], y?.spellings ?? []);
    if (d.added.length === 0 && d.removed.length === 0) continue;
    const ub = uses(baseSide.ir, word);
    const uh = uses(headSide.ir, word);
    const kw = ub.keywords || uh.keywords;
    const ex = ub.exceptions || uh.exceptions;
    const addedEffect: Effect = kw && ex ? 'both' : kw ? 'stricter' : 'looser';
    const removedEffect: Effect = kw && ex ? 'both' : kw ? 'looser' : 'stricter';
    const which = { kind: 'variants', word } as const;
    changes.push(
      ...entryChanges({
        added: d.added,
        removed: d.removed,
        addedCode: DIFF_CODES['variant-added'],
        removedCode: DIFF_CODES['variant-removed'],
        addedEffect,
        removedEffect,
        noun: 'spelling',
        nouns: 'spellings',
        container: `the variant line of ${q(word)}`,
        headEntry: (v) => setEntryLoc(headSide, which, v),
        baseEntry: (v) => setEntryLoc(baseSide, which, v),
        headList: (v) => setListLoc(headSide, which, v) ?? (y ? fromIrLoc(y.loc) : null),
        baseList: (v) => setListLoc(baseSide, which, v) ?? (x ? fromIrLoc(x.loc) : null),
        fallback: anchor,
        inert: kw || ex ? undefined : 'no rule with the `variants` step and a `when keyword` line has a keyword or exception holding the word',
      }),
    );
  }
  return changes;
}
