// The YAML front end: the YAML form of a policy file to the same AST as the `.policy` front end.
// It never throws. Three layers of problems, each reported at the YAML node's own range:
// - YAML syntax (the `yaml` package's errors): `hush/yaml/syntax`, `hush/yaml/duplicate-key`,
//   `hush/yaml/multiple-documents`;
// - the JSON Schema (policy-schema.ts, enforced with ajv and explained by yaml-schema-errors.ts):
//   `hush/yaml/unknown-property`, `missing-property`, `wrong-type`, `unknown-value`, `bad-name`,
//   `empty`, `schema`;
// - literals, with the codes of the `.policy` front end: `hush/syntax/bad-duration`,
//   `hush/syntax/bad-number`.
// Like the `.policy` front end, the AST stays strict: a statement with a problem is left out
// (an unknown property is only ignored), the rest of the file is kept, in the YAML's own order.
// Every node's range is its YAML node's: a scalar (with its quotes), a list item, or a whole
// `key: value` pair when the pair makes one statement.
import { Composer, isMap, isScalar, isSeq, Parser, visit, type Node as YNode, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type * as A from './ast.ts';
import { diagnostic, sortDiagnostics, type Diagnostic, type Range } from './diagnostic.ts';
import { checkDuration, checkNumber, checkTimeWindow, formatTimeOfDay } from './literal-checks.ts';
import { LineIndex } from './line-index.ts';
import type { ParseResult } from './text-to-ast.ts';
import { checkSchema, type Segment, type SchemaProblem } from './yaml-schema-errors.ts';
import { MAX_ALIASES, pointer, schemaDiagnostic, Source, trimEnd } from './yaml-source.ts';


export function parseYamlPolicy(text: string, file: string): ParseResult {
  const lines = new LineIndex(text);
  try {
    return parse(text, file, lines);
  } catch (e) {
    // A bug of ours, not the author's: say so, and keep the editor and the checker running.
    const ast: A.PolicyFile = { file, form: 'yaml', declarations: [], comments: [], range: lines.range(0, text.length) };
    const message = `the YAML front end failed on this file: ${e instanceof Error ? e.message : String(e)}`;
    return { ast, diagnostics: [diagnostic('hush/yaml/internal-error', 'error', message.toLowerCase(), file, lines.range(0, 0))] };
  }
}

function parse(text: string, file: string, lines: LineIndex): ParseResult {
  const diagnostics: Diagnostic[] = [];
  // One pass of the `yaml` package's parser gives the tokens (for the comments) and the documents.
  const tokens = [...new Parser().parse(text)];
  const docs = [...new Composer({ prettyErrors: false, uniqueKeys: true }).compose(tokens, true, text.length)];
  const ast: A.PolicyFile = { file, form: 'yaml', declarations: [], comments: yamlComments(tokens, text, lines), range: lines.range(0, text.length) };
  if (docs.length === 0 || (docs.length === 1 && docs[0].contents === null && docs[0].errors.length === 0)) return { ast, diagnostics };
  const doc = docs[0];
  for (const extra of docs.slice(1)) {
    const start = extra.range[0];
    diagnostics.push(
      diagnostic('hush/yaml/multiple-documents', 'error', 'a policy file holds one YAML document', file, lines.range(start, Math.max(start, trimEnd(text, extra.range[1]))), {
        help: 'remove the `---` and merge the documents, or put each in its own file',
      }),
    );
  }
  for (const d of docs) {
    for (const e of d.errors) {
      let [start, end] = e.pos;
      const code = e.code === 'DUPLICATE_KEY' ? 'hush/yaml/duplicate-key' : 'hush/yaml/syntax';
      // The package points at the first character of a duplicate key; underline the whole key.
      if (e.code === 'DUPLICATE_KEY') {
        visit(d, {
          Pair(_, p) {
            const r = (p.key as YNode | null)?.range;
            if (r && r[0] === start) end = Math.max(end, trimEnd(text, r[1]));
          },
        });
      }
      diagnostics.push(diagnostic(code, 'error', yamlMessage(e.message), file, lines.range(start, Math.max(start, end))));
    }
    for (const w of d.warnings) {
      const [start, end] = w.pos;
      diagnostics.push(diagnostic('hush/yaml/syntax', 'warning', yamlMessage(w.message), file, lines.range(start, Math.max(start, end))));
    }
  }
  const syntaxErrors = diagnostics.some((d) => d.severity === 'error');

  const src = new Source(doc, text, lines);
  const data = src.toData(doc.contents);
  if (src.aliasOverflow) {
    diagnostics.push(diagnostic('hush/yaml/syntax', 'error', `more than ${MAX_ALIASES} alias expansions`, file, lines.range(0, 0), { help: 'write the values out instead of repeating aliases' }));
    return { ast, diagnostics: sortDiagnostics(diagnostics) };
  }
  const { problems } = checkSchema(data);
  // After a syntax error the document's shape is a guess; its schema errors would be noise.
  if (!syntaxErrors) for (const p of problems) diagnostics.push(schemaDiagnostic(p, src, file));
  const builder = new Builder(src, problems, file, diagnostics);
  ast.declarations = builder.declarations(doc.contents);
  blocksOverComments(ast, text);
  return { ast, diagnostics: sortDiagnostics(diagnostics) };
}

/**
 * A block (`rule`, `ladder`, `quota`) also covers the comment lines after its last key that are
 * indented as its keys are: they are its closing comments, as the ones before a `}` in the
 * `.policy` form (which the formatter keeps inside the block).
 */
function blocksOverComments(ast: A.PolicyFile, text: string): void {
  for (const d of ast.declarations) {
    if (d.kind !== 'rule' && d.kind !== 'ladder' && d.kind !== 'quota') continue;
    let end = d.range.end;
    // The comment at the end of the block's last line is its last statement's; on the header line
    // of a block without statements, it is the block's own, covered only when a comment line follows.
    let from = end.offset;
    for (const c of ast.comments) {
      if (c.range.start.offset < from) continue;
      if (text.slice(from, c.range.start.offset).trim() !== '') break;
      if (c.range.start.line === d.range.end.line) {
        from = c.range.end.offset;
        if (d.body.length > 0) end = c.range.end;
        continue;
      }
      if (c.range.start.column < d.range.start.column) break;
      end = c.range.end;
      from = end.offset;
    }
    d.range = { start: d.range.start, end };
  }
}

/** The first line of a `yaml` message, lower case, without its position suffix. */
function yamlMessage(m: string): string {
  const first = m.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').replace(/\.$/, '');
  return first.charAt(0).toLowerCase() + first.slice(1);
}

/** Every `#` comment of the text, from the `yaml` package's concrete syntax tree. */
function yamlComments(tokens: readonly unknown[], text: string, lines: LineIndex): A.Comment[] {
  if (!text.includes('#')) return [];
  const found = new Map<number, string>();
  // The tree has no cycles; the depth limit only guards the stack against pathological nesting.
  const walk = (v: unknown, depth: number): void => {
    if (depth > 2000) return;
    if (Array.isArray(v)) {
      for (const x of v) if (x && typeof x === 'object') walk(x, depth + 1);
      return;
    }
    const o = v as { type?: unknown; offset?: unknown; source?: unknown };
    if (o.type === 'comment' && typeof o.offset === 'number' && typeof o.source === 'string') {
      found.set(o.offset, o.source);
      return;
    }
    // A scalar's end-of-line comment is in its `end` tokens, so scalars are walked too.
    if (o.type === 'space' || o.type === 'newline') return;
    for (const k in o) {
      const x = (o as Record<string, unknown>)[k];
      if (x && typeof x === 'object') walk(x, depth + 1);
    }
  };
  walk(tokens, 0);
  return [...found]
    .sort((a, b) => a[0] - b[0])
    .map(([offset, source]) => {
      const c = source.replace(/\r$/, '');
      return { text: c.slice(1), range: lines.range(offset, offset + c.length) };
    });
}

/** Builds the AST from the YAML nodes, leaving out every statement that has a schema problem. */
class Builder {
  /** Paths with a problem that makes the value there unusable. */
  private readonly bad: string[];

  constructor(
    private readonly src: Source,
    problems: SchemaProblem[],
    private readonly file: string,
    private readonly diagnostics: Diagnostic[],
  ) {
    this.bad = problems.filter((p) => p.fatal).map((p) => pointer(p.path));
  }

  /** True when a problem lies at or inside the path: the statement there is left out. */
  private broken(path: Segment[]): boolean {
    const p = pointer(path);
    return this.bad.some((b) => b === p || b.startsWith(`${p}/`));
  }

  /** True when a problem lies exactly at the path (a container that cannot be read at all). */
  private brokenAt(path: Segment[]): boolean {
    const p = pointer(path);
    return this.bad.includes(p);
  }

  private error(code: string, message: string, range: Range, help?: string): void {
    this.diagnostics.push(diagnostic(code, 'error', message, this.file, range, help ? { help } : {}));
  }

  // --- leaves -----------------------------------------------------------------------------

  private scalar(v: unknown): Scalar | undefined {
    const n = this.src.node(v);
    return n && isScalar(n) ? n : undefined;
  }

  private map(v: unknown): YAMLMap | undefined {
    const n = this.src.node(v);
    return n && isMap(n) ? n : undefined;
  }

  private seq(v: unknown): YAMLSeq | undefined {
    const n = this.src.node(v);
    return n && isSeq(n) ? n : undefined;
  }

  /** A string; a plain number is taken exactly as written (`4.10` stays `4.10`). */
  private str(v: unknown): A.Str | undefined {
    const s = this.scalar(v);
    if (!s) return undefined;
    const range = this.src.range(s);
    if (typeof s.value === 'string') return { value: s.value, range };
    if (typeof s.value === 'number' || typeof s.value === 'bigint') {
      const [a, b] = this.src.span(s);
      return { value: s.source ?? this.src.text.slice(a, b), range };
    }
    return undefined;
  }

  private ident(v: unknown): A.Ident | undefined {
    const s = this.scalar(v);
    return s && typeof s.value === 'string' ? { name: s.value, range: this.src.range(s) } : undefined;
  }

  private int(v: unknown): A.IntLit | undefined {
    const s = this.scalar(v);
    if (!s || typeof s.value !== 'number' || !Number.isInteger(s.value)) return undefined;
    const range = this.src.range(s);
    const c = checkNumber(s.value, s.source ?? String(s.value));
    if (!c.ok) {
      this.error(c.code, c.message, range);
      return undefined;
    }
    return { value: c.value, range };
  }

  private duration(v: unknown): A.Duration | undefined {
    const s = this.scalar(v);
    if (!s || typeof s.value !== 'string') return undefined;
    const range = this.src.range(s);
    const c = checkDuration(s.value);
    if (!c.ok) {
      this.error(c.code, c.message, range, c.help);
      return undefined;
    }
    return { text: s.value, ms: c.value, range };
  }

  // --- lists ------------------------------------------------------------------------------

  /**
   * The list statements of a list value: `{from: f}` is one file list; in a sequence, each
   * `{from: f}` item is a file list and each run of entries one inline list. When the value makes
   * a single statement, the statement's range is the whole pair.
   */
  private lists(pair: Pair, path: Segment[]): { list: A.ListSource; range: Range }[] {
    const out = this.listItems(pair.value, path);
    if (out.length === 1) out[0].range = this.src.pairRange(pair);
    return out;
  }

  private listItems(v: unknown, path: Segment[], extra?: (item: unknown, path: Segment[]) => { list: A.ListSource; range: Range }[] | undefined): { list: A.ListSource; range: Range }[] {
    const out: { list: A.ListSource; range: Range }[] = [];
    const m = this.map(v);
    if (m) {
      const fl = this.fileList(m);
      if (fl) out.push({ list: fl, range: fl.range });
      else {
        const more = extra?.(m, path);
        if (more) out.push(...more);
      }
      return out;
    }
    const s = this.seq(v);
    if (!s) return out;
    let run: { items: A.Str[]; first: YNode; last: YNode } | undefined;
    const flush = () => {
      if (!run) return;
      const range = this.src.between(run.first, run.last);
      out.push({ list: { kind: 'inline', items: run.items, range }, range });
      run = undefined;
    };
    s.items.forEach((raw, i) => {
      const item = this.src.node(raw);
      if (!item) return;
      if (isScalar(item)) {
        const str = this.str(item);
        if (!str) return;
        if (run) {
          run.items.push(str);
          run.last = item;
        } else run = { items: [str], first: item, last: item };
        return;
      }
      flush();
      if (isMap(item)) {
        const fl = this.fileList(item);
        if (fl) out.push({ list: fl, range: fl.range });
        else {
          const more = extra?.(item, [...path, i]);
          if (more) out.push(...more);
        }
      }
    });
    flush();
    return out;
  }

  private fileList(m: YAMLMap): A.FileList | undefined {
    const p = this.src.get(m, 'from');
    if (!p) return undefined;
    const path = this.str(p.value);
    return path && { kind: 'file', path, range: this.src.range(m) };
  }

  // --- the file ---------------------------------------------------------------------------

  declarations(contents: unknown): A.Declaration[] {
    const root = this.map(contents);
    if (!root || this.brokenAt([])) return [];
    const out: A.Declaration[] = [];
    for (const pair of this.src.pairs(root)) {
      const key = this.src.keyOf(pair);
      const path = [key];
      const range = this.src.pairRange(pair);
      switch (key) {
        case 'enterprise': {
          const name = this.broken(path) ? undefined : this.str(pair.value);
          if (name) out.push({ kind: 'enterprise', name, range });
          break;
        }
        case 'limits': {
          const profile = this.broken(path) ? undefined : this.str(pair.value);
          if (profile) out.push({ kind: 'limits', profile, range });
          break;
        }
        case 'normalize': {
          const steps = this.broken(path) ? undefined : this.steps(pair.value);
          if (steps) out.push({ kind: 'normalize', steps, range });
          break;
        }
        case 'blacklist':
          out.push(...this.blacklists(pair, path));
          break;
        case 'exempt': {
          const m = this.map(pair.value);
          const customers = m && this.src.get(m, 'customers');
          if (!customers || this.broken([...path, 'customers']) || this.brokenAt(path)) break;
          for (const { list, range: r } of this.lists(customers, [...path, 'customers'])) out.push({ kind: 'exempt', list, range: r });
          break;
        }
        case 'categories':
          this.items(pair.value, path, (item, p) => this.category(item, p), out);
          break;
        case 'rules':
          this.items(pair.value, path, (item, p) => this.rule(item, p), out);
          break;
        case 'ladders':
          this.items(pair.value, path, (item, p) => this.ladder(item, p), out);
          break;
        case 'quotas':
          this.items(pair.value, path, (item, p) => this.quota(item, p), out);
          break;
        case 'variants':
          this.items(pair.value, path, (item, p) => this.variantLine(item, p), out);
          break;
      }
    }
    return out;
  }

  /** Builds each item of a sequence with `build`, keeping the ones it returns. */
  private items<T>(v: unknown, path: Segment[], build: (item: YNode, path: Segment[]) => T | undefined, out: T[]): void {
    const s = this.seq(v);
    if (!s || this.brokenAt(path)) return;
    s.items.forEach((raw, i) => {
      const item = this.src.node(raw);
      if (!item) return;
      const built = build(item, [...path, i]);
      if (built !== undefined) out.push(built);
    });
  }

  private steps(v: unknown): A.Ident[] | undefined {
    const s = this.seq(v);
    if (!s) return undefined;
    const steps = s.items.map((i) => this.ident(i));
    return steps.length > 0 && steps.every(Boolean) ? (steps as A.Ident[]) : undefined;
  }

  private blacklists(pair: Pair, path: Segment[]): A.BlacklistDecl[] {
    const m = this.map(pair.value);
    if (!m || this.brokenAt(path)) return [];
    const out: A.BlacklistDecl[] = [];
    for (const p of this.src.pairs(m)) {
      const key = this.src.keyOf(p);
      const sub = [...path, key];
      if (key === 'enterprise') {
        if (this.broken(sub)) continue;
        for (const { list, range } of this.lists(p, sub)) out.push({ kind: 'blacklist', scope: 'enterprise', list, range });
      } else if (key === 'personal') {
        this.items(p.value, sub, (item, ip) => this.personal(item, ip), out);
      }
    }
    return out;
  }

  private personal(item: YNode, path: Segment[]): A.BlacklistDecl | undefined {
    const d = this.ofWithList(item, path, 'customers');
    return d && { kind: 'blacklist', scope: 'personal', owner: d.of, list: d.list, range: d.range };
  }

  /** `{of: 微信, spellings: [薇信, vx]}` or `{of: 微信, from: lists/weixin.txt}`. */
  private variantLine(item: YNode, path: Segment[]): A.VariantsDecl | undefined {
    const d = this.ofWithList(item, path, 'spellings');
    return d && { kind: 'variants', word: d.of, list: d.list, range: d.range };
  }

  /**
   * An item that names something (`of`) and gives its list `from` a list file or inline under
   * `key` (a personal blacklist's customers, a variant line's spellings).
   */
  private ofWithList(item: YNode, path: Segment[], key: string): { of: A.Str; list: A.ListSource; range: Range } | undefined {
    if (!isMap(item) || this.broken(path)) return undefined;
    const ofPair = this.src.get(item, 'of');
    const of = ofPair && this.str(ofPair.value);
    if (!of) return undefined;
    const range = this.src.range(item);
    const from = this.src.get(item, 'from');
    if (from) {
      const p = this.str(from.value);
      return p && { of, list: { kind: 'file', path: p, range: this.src.pairRange(from) }, range };
    }
    const listPair = this.src.get(item, key);
    const s = listPair && this.seq(listPair.value);
    if (!s || s.items.length === 0) return undefined;
    const items = s.items.map((i) => this.str(i));
    if (!items.every(Boolean)) return undefined;
    const listRange = this.src.between(this.src.node(s.items[0])!, this.src.node(s.items[s.items.length - 1])!);
    return { of, list: { kind: 'inline', items: items as A.Str[], range: listRange }, range };
  }

  private category(item: YNode, path: Segment[]): A.CategoryDecl | undefined {
    if (!isMap(item) || this.broken(path)) return undefined;
    const idPair = this.src.get(item, 'category');
    const name = idPair && this.ident(idPair.value);
    if (!name) return undefined;
    const range = this.src.range(item);
    const labelPair = this.src.get(item, 'label');
    if (!labelPair) return { kind: 'category', name, range };
    const label = this.str(labelPair.value);
    return label && { kind: 'category', name, label, range };
  }

  // --- rules ------------------------------------------------------------------------------

  private rule(item: YNode, path: Segment[]): A.RuleDecl | undefined {
    if (!isMap(item) || this.brokenAt(path) || this.broken([...path, 'rule'])) return undefined;
    const namePair = this.src.get(item, 'rule');
    const name = namePair && this.str(namePair.value);
    if (!name) return undefined;
    const body: A.RuleStatement[] = [];
    for (const pair of this.src.pairs(item)) {
      const key = this.src.keyOf(pair);
      if (key === 'rule') continue;
      const p = [...path, key];
      const range = this.src.pairRange(pair);
      switch (key) {
        case 'owner':
          body.push(...this.owners(pair, p));
          break;
        case 'groups':
        case 'except':
          if (this.broken(p)) break;
          for (const { list, range: r } of this.lists(pair, p)) body.push({ kind: key, list, range: r });
          break;
        case 'patterns':
          if (this.broken(p)) break;
          for (const { list, range: r } of this.lists(pair, p)) body.push({ kind: 'pattern', list, range: r });
          break;
        case 'keywords':
          if (!this.broken(p)) body.push(...this.keywords(pair, p));
          break;
        case 'allow': {
          const m = this.map(pair.value);
          if (!m || this.brokenAt(p)) break;
          for (const sub of this.src.pairs(m)) {
            const target = this.src.keyOf(sub);
            if ((target !== 'links' && target !== 'miniprograms' && target !== 'cards') || this.broken([...p, target])) continue;
            for (const { list, range: r } of this.lists(sub, [...p, target])) body.push({ kind: 'allow', target, list, range: r });
          }
          break;
        }
        case 'normalize': {
          const steps = this.broken(p) ? undefined : this.steps(pair.value);
          if (steps) body.push({ kind: 'normalize', steps, range });
          break;
        }
        case 'configured-on': {
          const version = this.broken(p) ? undefined : this.str(pair.value);
          if (version) body.push({ kind: 'configured', version, range });
          break;
        }
        case 'announce': {
          const text = this.broken(p) ? undefined : this.str(pair.value);
          if (text) body.push({ kind: 'announce', text, range });
          break;
        }
        case 'when':
          this.items(pair.value, p, (w, wp) => this.when(w, wp), body);
          break;
        case 'exempt': {
          const m = this.map(pair.value);
          const customers = m && this.src.get(m, 'customers');
          if (!customers || this.broken([...p, 'customers']) || this.brokenAt(p)) break;
          for (const { list, range: r } of this.lists(customers, [...p, 'customers'])) body.push({ kind: 'exempt', list, range: r });
          break;
        }
        case 'during':
          this.items(pair.value, p, (w) => this.timeWindow(w), body);
          break;
        case 'during-days':
          if (this.broken(p)) break;
          for (const { list: days, range: r } of this.lists(pair, p)) body.push({ kind: 'during', days, range: r });
          break;
      }
    }
    return { kind: 'rule', name, body, range: this.src.range(item) };
  }

  /** One entry of a rule's `during`: a time window (`"22:00-07:00"`), checked as in `.policy` text. */
  private timeWindow(item: YNode): A.DuringStmt | undefined {
    const s = this.scalar(item);
    if (!s || typeof s.value !== 'string') return undefined;
    const range = this.src.range(s);
    const c = checkTimeWindow(s.value);
    if (!c.ok) {
      this.error(c.code, c.message, range, c.help);
      return undefined;
    }
    const text = `${formatTimeOfDay(c.value.start)}-${formatTimeOfDay(c.value.end)}`;
    return { kind: 'during', times: { text, start: c.value.start, end: c.value.end, range }, range };
  }

  private owners(pair: Pair, path: Segment[]): A.OwnerStmt[] {
    const m = this.map(pair.value);
    if (m) {
      const o = this.broken(path) ? undefined : this.owner(m, this.src.pairRange(pair));
      return o ? [o] : [];
    }
    const out: A.OwnerStmt[] = [];
    this.items(pair.value, path, (item, p) => (isMap(item) && !this.broken(p) ? this.owner(item, this.src.range(item)) : undefined), out);
    return out;
  }

  private owner(m: YAMLMap, range: Range): A.OwnerStmt | undefined {
    const [pair] = this.src.pairs(m);
    if (!pair) return undefined;
    const role = this.src.keyOf(pair);
    if (role === 'super-admin' || role === 'member') {
      const id = this.str(pair.value);
      return id && { kind: 'owner', role, id, range };
    }
    if (role !== 'rule-manager') return undefined;
    const inner = this.map(pair.value);
    const of = inner && this.src.get(inner, 'of');
    const managementRule = of && this.str(of.value);
    if (!inner || !managementRule) return undefined;
    const idPair = this.src.get(inner, 'id');
    if (!idPair) return { kind: 'owner', role, managementRule, range };
    const id = this.str(idPair.value);
    return id && { kind: 'owner', role, managementRule, id, range };
  }

  private keywords(pair: Pair, path: Segment[]): A.KeywordsStmt[] {
    const wholeWord = (item: unknown, p: Segment[]) => {
      const m = this.map(item);
      const ww = m && this.src.get(m, 'whole-word');
      if (!ww) return undefined;
      const xs = this.listItems(ww.value, [...p, 'whole-word']).map((x) => ({ ...x, wholeWord: true }));
      if (xs.length === 1) xs[0].range = this.src.range(m);
      return xs;
    };
    const found = this.listItems(pair.value, path, wholeWord) as { list: A.ListSource; range: Range; wholeWord?: boolean }[];
    if (found.length === 1) found[0].range = this.src.pairRange(pair);
    return found.map(({ list, range, wholeWord: ww }) => ({ kind: 'keywords', wholeWord: ww === true, list, range }));
  }

  private when(item: YNode, path: Segment[]): A.WhenStmt | undefined {
    if (!isMap(item) || this.broken(path)) return undefined;
    const t = this.src.get(item, 'trigger');
    const then = this.src.get(item, 'then');
    const trigger = t && this.trigger(t.value);
    if (!trigger || !then) return undefined;
    const value = this.src.node(then.value);
    const raw = value && isSeq(value) ? value.items : [then.value];
    const actions = raw.map((a) => this.action(a));
    if (actions.length === 0 || !actions.every(Boolean)) return undefined;
    return { kind: 'when', trigger, actions: actions as A.Action[], range: this.src.range(item) };
  }

  private trigger(v: unknown): A.Trigger | undefined {
    const n = this.src.node(v);
    if (!n) return undefined;
    const range = this.src.range(n);
    if (isScalar(n)) {
      const t = n.value;
      return t === 'keyword' || t === 'link' || t === 'miniprogram' || t === 'card' || t === 'image' ? { type: t, range } : undefined;
    }
    if (!isMap(n)) return undefined;
    const [pair] = this.src.pairs(n);
    if (!pair) return undefined;
    const inner = this.map(pair.value);
    const field = (name: string) => (inner ? this.src.get(inner, name)?.value : undefined);
    switch (this.src.keyOf(pair)) {
      case 'flood': {
        const count = this.int(field('messages'));
        const window = this.duration(field('within'));
        return count && window && { type: 'flood', count, window, range };
      }
      case 'identity': {
        const value = this.src.node(pair.value);
        const raw = value && isSeq(value) ? value.items : [pair.value];
        const identities = raw.map((x) => this.str(x));
        return identities.length > 0 && identities.every(Boolean) ? { type: 'identity', identities: identities as A.Str[], range } : undefined;
      }
      case 'new-member': {
        const within = this.duration(field('within'));
        return within && { type: 'new-member', within, range };
      }
      case 'length': {
        const max = this.int(field('over'));
        return max && { type: 'length', max, range };
      }
      default:
        return undefined;
    }
  }

  private action(v: unknown): A.Action | undefined {
    const n = this.src.node(v);
    if (!n) return undefined;
    const range = this.src.range(n);
    if (isScalar(n)) return n.value === 'recall' || n.value === 'remove' ? { type: n.value, range } : undefined;
    if (!isMap(n)) return undefined;
    const [pair] = this.src.pairs(n);
    if (!pair) return undefined;
    const word = this.scalar(pair.value)?.value;
    switch (this.src.keyOf(pair)) {
      case 'warn': {
        const text = this.str(pair.value);
        return text && { type: 'warn', text, range };
      }
      case 'mute': {
        const duration = this.duration(pair.value);
        return duration && { type: 'mute', duration, range };
      }
      case 'blacklist':
        return word === 'personal' || word === 'enterprise' || word === 'group' ? { type: 'blacklist', scope: word, range } : undefined;
      case 'notify':
        return word === 'owner' || word === 'admins' ? { type: 'notify', target: word, range } : undefined;
      case 'record': {
        const category = this.ident(pair.value);
        return category && { type: 'record', category, range };
      }
      default:
        return undefined;
    }
  }

  // --- ladders ----------------------------------------------------------------------------

  private ladder(item: YNode, path: Segment[]): A.LadderDecl | undefined {
    if (!isMap(item) || this.brokenAt(path) || this.broken([...path, 'ladder'])) return undefined;
    const namePair = this.src.get(item, 'ladder');
    const name = namePair && this.str(namePair.value);
    if (!name) return undefined;
    const body: A.LadderStatement[] = [];
    for (const pair of this.src.pairs(item)) {
      const key = this.src.keyOf(pair);
      const p = [...path, key];
      const range = this.src.pairRange(pair);
      switch (key) {
        case 'counts': {
          const s = this.broken(p) ? undefined : this.seq(pair.value);
          const categories = s ? s.items.map((x) => this.ident(x)) : [];
          if (categories.length > 0 && categories.every(Boolean)) body.push({ kind: 'counts', categories: categories as A.Ident[], range });
          break;
        }
        case 'steps':
          this.items(pair.value, p, (step, sp) => this.step(step, sp), body);
          break;
        case 'severe': {
          const m = this.map(pair.value);
          const list = m && !this.broken(p) ? this.sanctions(m) : undefined;
          if (list) body.push({ kind: 'severe', ...list, range });
          break;
        }
        case 'expire-after': {
          const after = this.broken(p) ? undefined : this.duration(pair.value);
          if (after) body.push({ kind: 'expire', after, range });
          break;
        }
        case 'members':
          if (this.broken(p)) break;
          for (const { list, range: r } of this.lists(pair, p)) body.push({ kind: 'members', list, range: r });
          break;
        case 'for': {
          const subjects = this.broken(p) ? undefined : this.scalar(pair.value)?.value;
          if (subjects === 'customers' || subjects === 'members') body.push({ kind: 'for', subjects, range });
          break;
        }
        case 'while-linked-blocked': {
          const m = this.map(pair.value);
          const linked = m && !this.broken(p) ? this.linked(m, range) : undefined;
          if (linked) body.push(linked);
          break;
        }
      }
    }
    return { kind: 'ladder', name, body, range: this.src.range(item) };
  }

  /** `while-linked-blocked: {sanctions: […], restore-within: D}`. */
  private linked(m: YAMLMap, range: Range): A.LinkedStmt | undefined {
    const sp = this.src.get(m, 'sanctions');
    const s = sp ? this.seq(sp.value) : undefined;
    if (sp && !s) return undefined;
    const sanctions = (s?.items ?? []).map((x) => this.sanction(x, true));
    if (!sanctions.every(Boolean)) return undefined;
    const rp = this.src.get(m, 'restore-within');
    const restore = rp ? this.duration(rp.value) : undefined;
    if (rp && !restore) return undefined;
    if (sanctions.length === 0 && !restore) return undefined;
    return restore ? { kind: 'linked', sanctions: sanctions as A.Sanction[], restore, range } : { kind: 'linked', sanctions: sanctions as A.Sanction[], range };
  }

  private step(item: YNode, path: Segment[]): A.StepStmt | undefined {
    if (!isMap(item) || this.broken(path)) return undefined;
    const numberPair = this.src.get(item, 'step');
    const number = numberPair && this.int(numberPair.value);
    const list = this.sanctions(item);
    return number && list && { kind: 'step', number, ...list, range: this.src.range(item) };
  }

  /** The `sanctions` and `appealable` of a step or of `severe`. */
  private sanctions(m: YAMLMap): { sanctions: A.Sanction[]; appealable?: A.Node } | undefined {
    const p = this.src.get(m, 'sanctions');
    const s = p && this.seq(p.value);
    if (!s) return undefined;
    const sanctions = s.items.map((x) => this.sanction(x));
    if (!sanctions.every(Boolean)) return undefined;
    const ap = this.src.get(m, 'appealable');
    const flag = ap && this.scalar(ap.value)?.value === true;
    return flag ? { sanctions: sanctions as A.Sanction[], appealable: { range: this.src.pairRange(ap) } } : { sanctions: sanctions as A.Sanction[] };
  }

  /** A sanction; `held` (a sanction of `while-linked-blocked`) lets a suspension go without `for`. */
  private sanction(v: unknown, held = false): A.Sanction | undefined {
    const m = this.map(v);
    if (!m) return undefined;
    const range = this.src.range(m);
    const forPair = this.src.get(m, 'for');
    const duration = forPair ? this.duration(forPair.value) : undefined;
    if (forPair && !duration) return undefined;
    const suspend = this.src.get(m, 'suspend');
    if (suspend) {
      if (this.scalar(suspend.value)?.value !== 'interop') return undefined;
      if (duration) return { verb: 'suspend', target: 'interop', duration, range };
      return held ? { verb: 'suspend', target: 'interop', range } : undefined;
    }
    // The customer sanctions: `{mute: customer, for: 1h}`, `{remove: customer}`, `{blacklist: personal}`.
    const mute = this.src.get(m, 'mute');
    if (mute) return this.scalar(mute.value)?.value === 'customer' && duration ? { verb: 'mute', target: 'customer', duration, range } : undefined;
    const remove = this.src.get(m, 'remove');
    if (remove) return this.scalar(remove.value)?.value === 'customer' && !forPair ? { verb: 'remove', target: 'customer', range } : undefined;
    const blacklist = this.src.get(m, 'blacklist');
    if (blacklist) {
      const scope = this.scalar(blacklist.value)?.value;
      if (scope !== 'personal' && scope !== 'enterprise') return undefined;
      return duration ? { verb: 'blacklist', target: scope, duration, range } : { verb: 'blacklist', target: scope, range };
    }
    const ban = this.src.get(m, 'ban');
    const target = ban && this.scalar(ban.value)?.value;
    if (target !== 'member' && target !== 'admin' && target !== 'enterprise') return undefined;
    return duration ? { verb: 'ban', target, duration, range } : { verb: 'ban', target, range };
  }

  // --- quotas -----------------------------------------------------------------------------

  private quota(item: YNode, path: Segment[]): A.QuotaDecl | undefined {
    if (!isMap(item) || this.brokenAt(path) || this.broken([...path, 'quota'])) return undefined;
    const namePair = this.src.get(item, 'quota');
    const name = namePair && this.ident(namePair.value);
    if (!name) return undefined;
    const body: A.QuotaStatement[] = [];
    for (const pair of this.src.pairs(item)) {
      const key = this.src.keyOf(pair);
      const p = [...path, key];
      const range = this.src.pairRange(pair);
      if (key !== 'adjust' && this.broken(p)) continue;
      switch (key) {
        case 'daily': {
          const count = this.int(pair.value);
          if (count) body.push({ kind: 'daily', count, range });
          break;
        }
        case 'minimum':
        case 'maximum': {
          const value = this.int(pair.value);
          if (value) body.push({ kind: key, value, range });
          break;
        }
        case 'timezone': {
          const offset = this.str(pair.value);
          if (offset) body.push({ kind: 'timezone', offset, range });
          break;
        }
        case 'adjust':
          this.items(pair.value, p, (a, ap) => this.adjustment(a, ap), body);
          break;
      }
    }
    return { kind: 'quota', name, body, range: this.src.range(item) };
  }

  private adjustment(item: YNode, path: Segment[]): A.AdjustStmt | undefined {
    if (!isMap(item) || this.broken(path)) return undefined;
    const raise = this.src.get(item, 'raise');
    const lower = this.src.get(item, 'lower');
    const amountPair = raise ?? lower;
    const amount = amountPair && this.int(amountPair.value);
    const whenPair = this.src.get(item, 'when');
    const condition = whenPair && this.quotaCondition(whenPair.value);
    if (!amount || !condition) return undefined;
    return { kind: 'adjust', direction: raise ? 'raise' : 'lower', amount, condition, range: this.src.range(item) };
  }

  private quotaCondition(v: unknown): A.QuotaCondition | undefined {
    const n = this.src.node(v);
    if (!n) return undefined;
    const range = this.src.range(n);
    if (isScalar(n)) {
      const m = typeof n.value === 'string' ? /^(not )?(complete|compliant)$/.exec(n.value) : null;
      return m ? { factor: m[2] as 'complete' | 'compliant', negated: !!m[1], range } : undefined;
    }
    if (!isMap(n)) return undefined;
    const [pair] = this.src.pairs(n);
    const factor = pair && this.src.keyOf(pair);
    if (factor !== 'usage' && factor !== 'blocks' && factor !== 'deletions' && factor !== 'complaints') return undefined;
    const inner = this.map(pair.value);
    const [opPair] = inner ? this.src.pairs(inner) : [];
    const op = opPair && this.src.keyOf(opPair);
    const t = opPair && this.scalar(opPair.value);
    if ((op !== 'over' && op !== 'under') || !t || typeof t.value !== 'string' || !/^[0-9]+(?:\.[0-9]+)?%$/.test(t.value)) return undefined;
    return { factor, op, threshold: { text: t.value, percent: Number(t.value.slice(0, -1)), range: this.src.range(t) }, range };
  }
}
