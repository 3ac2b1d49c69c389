// Diffs what decides a rule's `when keyword` lines: its keywords, its exception phrases and its
// normalisation. With the same normalisation, a keyword added is stricter and one removed looser,
// unless another keyword covers it: when keyword B (not whole-word) is found inside keyword A
// after normalisation, every text holding A holds B, so A adds nothing next to B. That is only
// true without exception phrases (an exception can swallow B's hit and not A's), so coverage is
// used only when neither version has any. A keyword that normalises to nothing never matches.
// An exception added is looser, one removed stricter. Whole-word on -> off is stricter. A changed
// normalisation is `both`: it moves keywords, exceptions and text alike, in either direction; the
// keyword changes beside it are classed as if made under the old normalisation first.
import type { IrKeyword, IrRule } from '../../runtime/ir.ts';
import { prepareKeyword } from '../../runtime/policy/interpreter.ts';
import { DIFF_CODES } from './codes.ts';
import { q } from './describe.ts';
import { entryChanges } from './entry-changes.ts';
import { diffLists } from './list-diff.ts';
import { fromIrLoc, ruleEntryLoc, ruleListLoc, type Side } from './side.ts';
import type { Change, DiffLoc } from './types.ts';

interface Ctx {
  baseSide: Side;
  headSide: Side;
  base: IrRule;
  head: IrRule;
  anchor: DiffLoc | null;
  /** Set when the rule has no `when keyword` line in both versions. */
  inert?: string;
}

/** The normalised text of each keyword that may cover others (not whole-word, not empty). */
function coverers(rule: IrRule): { raw: string; norm: string }[] {
  return rule.keywords
    .filter((k) => !k.wholeWord)
    .map((k) => ({ raw: k.text, norm: prepareKeyword(k, rule.normalize).norm }))
    .filter((k) => k.norm !== '');
}

export function diffKeywords(c: Ctx): Change[] {
  const { base, head } = c;
  const changes: Change[] = [];
  const sameNorm = JSON.stringify(base.normalize) === JSON.stringify(head.normalize);
  const hasText = base.keywords.length + base.exceptions.length + head.keywords.length + head.exceptions.length > 0;
  if (!sameNorm && hasText) {
    const show = (r: IrRule) => (r.normalize.length === 0 ? 'none' : r.normalize.join(', '));
    changes.push({
      code: DIFF_CODES['normalize-changed'],
      effect: c.inert ? 'equivalent' : 'both',
      message: `normalisation of rule ${q(head.name)}: ${show(base)} -> ${show(head)}`,
      note: c.inert ?? 'keywords, exceptions and messages are folded differently: some texts may match that did not, and the reverse',
      base: null,
      head: null,
      anchor: c.anchor,
    });
  }

  const byText = (r: IrRule) => new Map(r.keywords.map((k) => [k.text, k] as const));
  const bk = byText(base);
  const hk = byText(head);
  const d = diffLists(base.keywords.map((k) => k.text), head.keywords.map((k) => k.text));
  const useCoverage = sameNorm && !base.normalize.includes('variants') && base.exceptions.length === 0 && head.exceptions.length === 0;
  // Normalising every keyword of a thousand rules costs seconds: only for rules whose keywords changed.
  let coverHead: { raw: string; norm: string }[] | undefined;
  let coverBase: { raw: string; norm: string }[] | undefined;
  const norm = (k: IrKeyword, r: IrRule) => prepareKeyword(k, r.normalize).norm;
  const covered = (text: string, direction: 'added' | 'removed'): string | undefined => {
    if (!sameNorm) return undefined;
    const rule = direction === 'added' ? head : base;
    const k = (direction === 'added' ? hk : bk).get(text)!;
    const n = norm(k, rule);
    if (n === '') return 'it normalises to nothing and never matches';
    if (!useCoverage) return undefined;
    const among = direction === 'added' ? (coverBase ??= coverers(base)) : (coverHead ??= coverers(head));
    const by = among.find((x) => x.raw !== text && n.includes(x.norm));
    return by ? `covered by keyword ${q(by.raw)}, which matches wherever it does` : undefined;
  };
  const loc = (m: Map<string, IrKeyword>) => (t: string) => {
    const k = m.get(t);
    return k ? fromIrLoc(k.loc) : null;
  };
  changes.push(
    ...entryChanges({
      added: d.added,
      removed: d.removed,
      addedCode: DIFF_CODES['keyword-added'],
      removedCode: DIFF_CODES['keyword-removed'],
      addedEffect: 'stricter',
      removedEffect: 'looser',
      noun: 'keyword',
      nouns: 'keywords',
      container: `rule ${q(head.name)}`,
      headEntry: loc(hk),
      baseEntry: loc(bk),
      headList: (v) => ruleListLoc(c.headSide, head.name, 'keywords', v),
      baseList: (v) => ruleListLoc(c.baseSide, base.name, 'keywords', v),
      fallback: c.anchor,
      covered,
      inert: c.inert,
    }),
  );
  for (const [text, h] of hk) {
    const b = bk.get(text);
    if (!b || b.wholeWord === h.wholeWord) continue;
    const hl = fromIrLoc(h.loc);
    changes.push({
      code: DIFF_CODES['keyword-changed'],
      effect: c.inert ? 'equivalent' : h.wholeWord ? 'looser' : 'stricter',
      message: h.wholeWord
        ? `keyword ${q(text)} in rule ${q(head.name)} now matches whole words only`
        : `keyword ${q(text)} in rule ${q(head.name)} now matches inside words too`,
      ...(c.inert ? { note: c.inert } : {}),
      base: fromIrLoc(b.loc),
      head: hl,
      anchor: hl,
    });
  }

  const e = diffLists(base.exceptions, head.exceptions);
  const noKeywords = base.keywords.length === 0 && head.keywords.length === 0 ? 'the rule has no keywords' : undefined;
  changes.push(
    ...entryChanges({
      added: e.added,
      removed: e.removed,
      addedCode: DIFF_CODES['exception-added'],
      removedCode: DIFF_CODES['exception-removed'],
      addedEffect: 'looser',
      removedEffect: 'stricter',
      noun: 'exception',
      nouns: 'exceptions',
      container: `rule ${q(head.name)}`,
      headEntry: (v) => ruleEntryLoc(c.headSide, head.name, 'exceptions', v),
      baseEntry: (v) => ruleEntryLoc(c.baseSide, base.name, 'exceptions', v),
      headList: (v) => ruleListLoc(c.headSide, head.name, 'exceptions', v),
      baseList: (v) => ruleListLoc(c.baseSide, base.name, 'exceptions', v),
      fallback: c.anchor,
      inert: c.inert ?? noKeywords,
    }),
  );
  return changes;
}
