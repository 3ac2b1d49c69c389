// Finds what stands at an offset of a policy file: the chain of AST nodes whose ranges hold it,
// outermost first, each with the property of its parent it sits in (`category` of a `record`
// action, `categories` of `counts`, `path` of `from "…"`). Hover, definition, references, rename
// and the quick fixes all start here. The walk is generic over the AST's shape: any object with
// a `range` is a node.
import type * as A from '../language/ast.ts';

export interface Step {
  node: A.Node & Record<string, unknown>;
  /** The property of the parent that holds this node (`declarations`, `body`, `name`, …). */
  key: string;
}

function isNode(x: unknown): x is A.Node & Record<string, unknown> {
  return typeof x === 'object' && x !== null && 'range' in x && typeof (x as A.Node).range?.start?.offset === 'number';
}

const contains = (n: A.Node, offset: number) => n.range.start.offset <= offset && offset <= n.range.end.offset;

/** The path of nodes holding `offset`, from the file down to the innermost node. */
export function nodesAt(file: A.PolicyFile, offset: number): Step[] {
  const path: Step[] = [{ node: file as unknown as Step['node'], key: '' }];
  let current: Record<string, unknown> = file as unknown as Record<string, unknown>;
  for (;;) {
    let next: Step | undefined;
    for (const [key, value] of Object.entries(current)) {
      if (key === 'range' || key === 'comments') continue;
      const candidates = Array.isArray(value) ? value : [value];
      // Declarations and statements are in source order: a binary search would do, but a file
      // has at most a few thousand of them and this walk runs once per request.
      for (const c of candidates) {
        if (isNode(c) && contains(c, offset)) {
          // Adjacent nodes share a boundary (`a,b`): prefer the one that starts at the offset.
          if (!next || c.range.start.offset === offset) next = { node: c, key };
        }
      }
    }
    if (!next) return path;
    path.push(next);
    current = next.node;
  }
}

/** The innermost step, and its parent's. */
export function innermost(path: Step[]): { step: Step; parent?: Step; grand?: Step } {
  return { step: path[path.length - 1], parent: path[path.length - 2], grand: path[path.length - 3] };
}

/** The enclosing rule or ladder declaration of a path, if any. */
export function enclosingBlock(path: Step[]): A.RuleDecl | A.LadderDecl | undefined {
  for (const s of path) {
    const k = (s.node as { kind?: string }).kind;
    if (k === 'rule' || k === 'ladder') return s.node as unknown as A.RuleDecl | A.LadderDecl;
  }
  return undefined;
}

/** A category name under the cursor: in `record X`, `counts X, Y` or `category X`. */
export function categoryAt(path: Step[]): A.Ident | undefined {
  const { step, parent } = innermost(path);
  if (!parent) return undefined;
  const p = parent.node as { kind?: string; type?: string };
  if (step.key === 'category' && p.type === 'record') return step.node as unknown as A.Ident;
  if (step.key === 'categories' && p.kind === 'counts') return step.node as unknown as A.Ident;
  if (step.key === 'name' && p.kind === 'category') return step.node as unknown as A.Ident;
  return undefined;
}

/** The list-file path under the cursor (`from "lists/vip.txt"`). */
export function listPathAt(path: Step[]): A.Str | undefined {
  const { step, parent } = innermost(path);
  if (step.key === 'path' && (parent?.node as { kind?: string })?.kind === 'file') return step.node as unknown as A.Str;
  return undefined;
}

/** The name of a rule or ladder under the cursor. */
export function blockNameAt(path: Step[]): { decl: A.RuleDecl | A.LadderDecl; name: A.Str } | undefined {
  const { step, parent } = innermost(path);
  const k = (parent?.node as { kind?: string })?.kind;
  if (step.key === 'name' && (k === 'rule' || k === 'ladder')) {
    const decl = parent!.node as unknown as A.RuleDecl | A.LadderDecl;
    return { decl, name: decl.name };
  }
  return undefined;
}

/** Every category reference of a file: `record X`, `counts X`, and `category X` declarations. */
export function categoryRefs(file: A.PolicyFile): { ident: A.Ident; role: 'record' | 'counts' | 'declaration'; block?: A.RuleDecl | A.LadderDecl }[] {
  const out: { ident: A.Ident; role: 'record' | 'counts' | 'declaration'; block?: A.RuleDecl | A.LadderDecl }[] = [];
  for (const d of file.declarations) {
    if (d.kind === 'category') out.push({ ident: d.name, role: 'declaration' });
    else if (d.kind === 'rule') {
      for (const s of d.body) if (s.kind === 'when') for (const a of s.actions) if (a.type === 'record') out.push({ ident: a.category, role: 'record', block: d });
    } else if (d.kind === 'ladder') {
      for (const s of d.body) if (s.kind === 'counts') for (const c of s.categories) out.push({ ident: c, role: 'counts', block: d });
    }
  }
  return out;
}

/** Every list source of a file (`from "…"` and inline lists), with the statement holding it. */
export function listSources(file: A.PolicyFile): { list: A.ListSource; owner: A.Declaration | A.RuleStatement }[] {
  const out: { list: A.ListSource; owner: A.Declaration | A.RuleStatement }[] = [];
  for (const d of file.declarations) {
    if (d.kind === 'blacklist' || d.kind === 'exempt') out.push({ list: d.list, owner: d });
    else if (d.kind === 'rule') {
      for (const s of d.body) if ('list' in s) out.push({ list: s.list, owner: s });
    }
  }
  return out;
}
