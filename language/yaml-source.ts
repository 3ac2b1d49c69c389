// The YAML document as yaml-to-ast.ts reads it: nodes with aliases resolved, the plain data
// the JSON Schema checks, the source range of any node, and the node at a schema path.
import { isAlias, isMap, isScalar, isSeq, type Document, type Node as YNode, type Pair, type YAMLMap } from 'yaml';
import { diagnostic, type Diagnostic, type Range } from './diagnostic.ts';
import type { LineIndex } from './line-index.ts';
import type { Segment, SchemaProblem } from './yaml-schema-errors.ts';

/** Alias expansions allowed in one document (a "billion laughs" file is refused, not expanded). */
export const MAX_ALIASES = 1_000;

export type Value = YNode | null | undefined;

/** Where the text before `end` ends without YAML's trailing white space. */
export function trimEnd(text: string, end: number): number {
  let e = Math.min(end, text.length);
  // Only YAML's own white space: a no-break space is content.
  while (e > 0 && (text[e - 1] === ' ' || text[e - 1] === '\t' || text[e - 1] === '\r' || text[e - 1] === '\n')) e--;
  return e;
}

/** The YAML document with the ranges and paths the front end needs. */
export class Source {
  aliasOverflow = false;
  private aliases = 0;

  constructor(
    readonly doc: Document,
    readonly text: string,
    readonly lines: LineIndex,
  ) {}

  /** A node with its alias resolved. */
  node(v: unknown): Value {
    let n = v as Value;
    for (let i = 0; i < 50 && n && isAlias(n); i++) n = n.resolve(this.doc) as Value;
    return n && isAlias(n) ? null : n;
  }

  keyOf(p: Pair): string {
    const k = this.node(p.key);
    if (k === null || k === undefined) return '';
    if (isScalar(k)) return String(k.value);
    return this.text.slice(k.range?.[0] ?? 0, k.range?.[1] ?? 0);
  }

  /** The data of a node for the schema; for a mapping, the first of duplicate keys wins. */
  toData(v: unknown, depth = 0): unknown {
    const n = this.node(v);
    if (isAlias(v) && ++this.aliases > MAX_ALIASES) {
      this.aliasOverflow = true;
      return null;
    }
    if (!n || depth > 500 || this.aliasOverflow) return null;
    if (isScalar(n)) {
      const x = n.value;
      if (typeof x === 'bigint') return Number(x);
      if (x instanceof Date) return x.toISOString();
      return x === undefined ? null : x;
    }
    if (isSeq(n)) return n.items.map((i) => this.toData(i, depth + 1));
    if (isMap(n)) {
      const out: Record<string, unknown> = {};
      for (const p of n.items) {
        const k = this.keyOf(p);
        if (!Object.prototype.hasOwnProperty.call(out, k)) Object.defineProperty(out, k, { value: this.toData(p.value, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return null;
  }

  /** The range of a node without trailing white space; for an empty value, an empty range. */
  span(n: YNode): [number, number] {
    const r = n.range ?? [0, 0, 0];
    const start = r[0];
    return [start, Math.max(start, this.end(n))];
  }

  /** Where a node's content ends: a block collection ends with its last item, before any comment. */
  private end(n: YNode, depth = 0): number {
    const r = n.range ?? [0, 0, 0];
    if ((isMap(n) || isSeq(n)) && !n.flow && n.items.length > 0 && depth < 500) {
      const last = n.items[n.items.length - 1] as unknown;
      const tail = (isMap(n) ? ((last as Pair).value ?? (last as Pair).key) : last) as YNode | null;
      const key = isMap(n) ? ((last as Pair).key as YNode | null) : null;
      const ends = [tail, key].filter((x): x is YNode => !!x && !!x.range).map((x) => (isScalar(x) && x.value === null && x !== key ? -1 : this.end(x, depth + 1)));
      const e = Math.max(...ends, -1);
      if (e >= 0) return e;
    }
    return trimEnd(this.text, r[1]);
  }

  range(n: YNode): Range {
    const [s, e] = this.span(n);
    return this.lines.range(s, e);
  }

  /** From the start of one node to the end of another. */
  between(a: YNode, b: YNode): Range {
    return this.lines.range(this.span(a)[0], this.span(b)[1]);
  }

  pairRange(p: Pair): Range {
    const k = p.key as YNode;
    const v = this.node(p.value);
    const [ks, ke] = this.span(k);
    const end = v && isScalar(v) && v.value === null ? ke : v ? Math.max(ke, this.span(p.value as YNode)[1]) : ke;
    return this.lines.range(ks, end);
  }

  /** The first line of a node: where a mapping that misses something is underlined. */
  head(n: YNode): Range {
    const [s, e] = this.span(n);
    const nl = this.text.indexOf('\n', s);
    const end = nl === -1 || nl > e ? e : trimEnd(this.text, nl);
    return this.lines.range(s, Math.max(s, end));
  }

  /** The pairs of a mapping, the first of duplicate keys only. */
  pairs(m: YAMLMap): Pair[] {
    const seen = new Set<string>();
    const out: Pair[] = [];
    for (const p of m.items) {
      const k = this.keyOf(p);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(p);
    }
    return out;
  }

  get(m: YAMLMap, key: string): Pair | undefined {
    return this.pairs(m).find((p) => this.keyOf(p) === key);
  }

  /** The node and (for a property) the pair a path leads to. */
  locate(path: Segment[]): { node: Value; pair?: Pair; parent?: Value } {
    let node: Value = this.node(this.doc.contents);
    let pair: Pair | undefined;
    let parent: Value;
    for (const seg of path) {
      parent = node;
      pair = undefined;
      if (node && isMap(node)) {
        pair = this.get(node, String(seg));
        node = pair ? this.node(pair.value) : undefined;
      } else if (node && isSeq(node)) {
        node = this.node(node.items[Number(seg)]);
      } else return { node: undefined, parent };
    }
    return pair ? { node, pair, parent } : { node, parent };
  }
}

export function schemaDiagnostic(p: SchemaProblem, src: Source, file: string): Diagnostic {
  const { node, pair, parent } = src.locate(p.path);
  let range: Range | undefined;
  if (p.anchor === 'key' && pair) range = src.range(pair.key as YNode);
  else if (p.anchor === 'head' && node) {
    // A block mapping that is the value of a property is named by its key; a flow mapping or a
    // list item by its first line.
    range = pair && !(isMap(node) && node.flow) ? src.range(pair.key as YNode) : src.head(node);
  } else if (node) range = isScalar(node) && node.value === null && pair ? src.range(pair.key as YNode) : src.range(node);
  if (!range) range = parent ? src.head(parent) : src.lines.range(0, 0);
  return diagnostic(p.code, 'error', p.message, file, range, p.help ? { help: p.help } : {});
}

export const pointer = (path: readonly Segment[]) => path.map((s) => `/${String(s)}`).join('');
