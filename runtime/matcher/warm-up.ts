// Texts that take a new matcher's kernel down every path it has (hits in both chains and in the
// rerun, deep states, walks, attention units before, inside and after keywords, the slow path,
// the long path) before V8 optimises it. Optimised code that meets a path it has no feedback for
// deoptimises, and when that happens while an on-stack-replacement compile is under way V8 may
// keep running the kernel from the interpreter, at half speed, for the rest of the process.
import type { LayoutView } from './layout-view.ts';
import type { MatcherData } from './matcher-data.ts';

/** The normalised text of the node at the end of a path of classes. */
function spell(data: MatcherData, classes: number[]): string {
  const unitOfClass = new Map<number, number>();
  for (let i = 0; i < data.alphabet.length; i++) unitOfClass.set(data.alphabetClass[i], data.alphabet[i]);
  return String.fromCharCode(...classes.map((c) => unitOfClass.get(c) ?? 0x20));
}

/** The shortest keyword, the shortest of two units or more, and a long one (a path to a leaf). */
function sampleKeywords(data: MatcherData, view: LayoutView): string[] {
  const out: string[] = [];
  let shortest: number[] | null = null;
  let two: number[] | null = null;
  // Breadth first from the root, a bounded number of nodes.
  const queue: { node: number; path: number[] }[] = [{ node: 0, path: [] }];
  for (let q = 0; q < queue.length && q < 2000 && !(shortest && two); q++) {
    const { node, path } = queue[q];
    for (const c of view.childClasses(node)) {
      const child = view.child(node, c);
      const p = [...path, c];
      if (view.nodeHead(child) >= 0) {
        shortest ??= p;
        if (p.length >= 2) two ??= p;
      }
      queue.push({ node: child, path: p });
    }
  }
  if (shortest) out.push(spell(data, shortest));
  if (two) out.push(spell(data, two));
  // Down the last child until a leaf (every leaf ends a keyword).
  const path: number[] = [];
  for (let node = 0; path.length < 64; ) {
    const cs = view.childClasses(node);
    if (cs.length === 0) break;
    const c = cs[cs.length - 1];
    path.push(c);
    node = view.child(node, c);
  }
  if (path.length > 0) out.push(spell(data, path));
  return out;
}

/** A text whose middle (where the kernels start their second chain) falls where `left` ends. */
function halves(left: string, right: string): string {
  const n = Math.max(left.length, right.length, 12);
  return left.padEnd(n, ' ') + right.padEnd(n, ' ');
}

export function warmUpTexts(data: MatcherData, view: LayoutView, cap: number): string[] {
  const ks = sampleKeywords(data, view);
  if (ks.length === 0) return [];
  const [k1] = ks;
  const k2 = ks[1] ?? k1;
  const k3 = ks[2] ?? k2;
  const pad = ' '.repeat(24);
  const emoji = '\u{1f600}';
  // The first chain ends inside k3 at the middle; the rerun finishes k3, then meets an emoji.
  const h = Math.max(1, k3.length - 1);
  return [
    // Hits in both chains while they run in lockstep, and in deep states.
    k1 + pad + k1,
    pad + k2 + k1 + pad + k3,
    k2.repeat(24),
    k3 + k3 + pad + k3 + k3,
    // An attention unit at once: each chain finishes on its own, meeting hits and attention units.
    halves(`${emoji} ${k1} ${k2} ${k3} ${emoji}${k1}`, `${k2} ${emoji} ${k1} ${k3}${emoji}`),
    halves(`${k1}${emoji}${k2}`, `${emoji}${k3} ${k1}`),
    // The rerun from the middle.
    halves(pad + k3.slice(0, h), `${k3.slice(h)}${emoji} ${k1}`),
    halves(pad + k3.slice(0, h), k3.slice(h) + pad),
    // Attention units after keywords, lone surrogates.
    pad + pad + k1 + emoji + k2 + emoji,
    k1 + '\ud83d' + pad + k2 + '\ud83d',
    // The slow path from every place that can ask for it (a combining mark that changes its
    // unit), the long path, nothing.
    'a\u0301' + k1 + pad,
    halves(pad, `${k1}a\u0301`),
    halves(pad + k3.slice(0, h), `${k3.slice(h)}\u0301`),
    `${k2}\u0301 ${k1}`,
    ' '.repeat(cap + 1),
    pad + pad,
  ];
}
