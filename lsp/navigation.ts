// Go to definition, find references and rename, over every file of the policy set. What can be
// followed: a category (its declaration ↔ every `record X` and `counts X`), a ladder (its name
// ↔ the `record` actions whose categories it counts: where its violations come from), a list
// file (`from "lists/x.txt"` → the file; references are every statement loading the same file)
// and a rule (its name). Results are Hush locations (absolute path and 1-based range); the
// server converts them at the edge.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type * as A from '../language/ast.ts';
import { BUILTIN_CATEGORY_IDS } from '../language/builtins.ts';
import { START_RANGE, type Range } from '../language/diagnostic.ts';
import { quoteString } from '../language/string-literal.ts';
import { blockNameAt, categoryAt, categoryRefs, listPathAt, listSources, nodesAt } from './ast-at.ts';
import type { SetFile, SetState } from './policy-sets.ts';

export interface HushLocation {
  /** Absolute path (or the URI of an untitled document). */
  path: string;
  range: Range;
}

export interface HushEdit extends HushLocation {
  newText: string;
}

/** A mistake in a rename request, reported to the user as the request's error. */
export class RenameError extends Error {}

type Target =
  | { kind: 'category'; id: string; range: Range }
  | { kind: 'list'; path: string; range: Range }
  | { kind: 'rule' | 'ladder'; decl: A.RuleDecl | A.LadderDecl; range: Range };

function targetAt(file: SetFile, offset: number): Target | undefined {
  const path = nodesAt(file.ast, offset);
  const c = categoryAt(path);
  if (c) return { kind: 'category', id: c.name, range: c.range };
  const l = listPathAt(path);
  if (l) return { kind: 'list', path: resolve(dirname(file.path), l.value), range: l.range };
  const b = blockNameAt(path);
  if (b) return { kind: b.decl.kind, decl: b.decl, range: b.name.range };
  return undefined;
}

export function definition(set: SetState, file: SetFile, offset: number): HushLocation[] {
  const t = targetAt(file, offset);
  if (!t) return [];
  switch (t.kind) {
    case 'category': {
      const c = set.model.categories.get(t.id);
      return c?.loc ? [{ path: set.absolute(c.loc.file), range: c.loc.range }] : [];
    }
    case 'list':
      return existsSync(t.path) ? [{ path: t.path, range: START_RANGE }] : [];
    case 'rule':
    case 'ladder':
      return [{ path: file.path, range: t.range }];
  }
}

export function references(set: SetState, file: SetFile, offset: number, includeDeclaration: boolean): HushLocation[] {
  const t = targetAt(file, offset);
  if (!t) return [];
  const out: HushLocation[] = [];
  const files = [...set.files.values()];
  switch (t.kind) {
    case 'category':
      for (const f of files) {
        for (const r of categoryRefs(f.ast)) {
          if (r.ident.name === t.id && (includeDeclaration || r.role !== 'declaration')) out.push({ path: f.path, range: r.ident.range });
        }
      }
      break;
    case 'list':
      for (const f of files) {
        for (const { list } of listSources(f.ast)) {
          if (list.kind === 'file' && resolve(dirname(f.path), list.path.value) === t.path) out.push({ path: f.path, range: list.path.range });
        }
      }
      if (includeDeclaration && existsSync(t.path)) out.push({ path: t.path, range: START_RANGE });
      break;
    case 'ladder': {
      if (includeDeclaration) out.push({ path: file.path, range: t.range });
      const counted = new Set<string>();
      for (const s of (t.decl as A.LadderDecl).body) if (s.kind === 'counts') for (const c of s.categories) counted.add(c.name);
      for (const f of files) {
        for (const r of categoryRefs(f.ast)) if (r.role === 'record' && counted.has(r.ident.name)) out.push({ path: f.path, range: r.ident.range });
      }
      break;
    }
    case 'rule':
      for (const f of files) {
        for (const d of f.ast.declarations) {
          if (d.kind === 'rule' && d.name.value === t.decl.name.value && (includeDeclaration || d !== t.decl)) out.push({ path: f.path, range: d.name.range });
        }
      }
      break;
  }
  return out;
}

/** What a rename at the offset would change: its range and current name; undefined if nothing. */
export function prepareRename(set: SetState, file: SetFile, offset: number): { range: Range; placeholder: string } | undefined {
  const t = targetAt(file, offset);
  if (!t || t.kind === 'list') return undefined;
  if (t.kind === 'category') {
    if (BUILTIN_CATEGORY_IDS.has(t.id)) throw new RenameError(`\`${t.id}\` is a built-in category and cannot be renamed`);
    return { range: t.range, placeholder: t.id };
  }
  return { range: t.range, placeholder: t.decl.name.value };
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function rename(set: SetState, file: SetFile, offset: number, newName: string): HushEdit[] {
  const t = targetAt(file, offset);
  if (!t || t.kind === 'list') throw new RenameError('only rules, ladders and categories can be renamed');
  const files = [...set.files.values()];
  if (t.kind === 'category') {
    if (BUILTIN_CATEGORY_IDS.has(t.id)) throw new RenameError(`\`${t.id}\` is a built-in category and cannot be renamed`);
    if (!NAME.test(newName)) throw new RenameError(`\`${newName}\` is not a name: use letters, digits, \`_\` and \`-\`, starting with a letter`);
    if (newName !== t.id && set.model.categories.has(newName)) throw new RenameError(`category \`${newName}\` already exists`);
    const edits: HushEdit[] = [];
    for (const f of files) {
      for (const r of categoryRefs(f.ast)) if (r.ident.name === t.id) edits.push({ path: f.path, range: r.ident.range, newText: newName });
    }
    return edits;
  }
  if (newName.trim() === '') throw new RenameError(`a ${t.kind} needs a name`);
  const taken = t.kind === 'rule' ? set.model.rules.some((r) => r.name === newName) : set.model.ladders.some((l) => l.name === newName);
  if (newName !== t.decl.name.value && taken) throw new RenameError(`${t.kind} \`${newName}\` already exists`);
  return [{ path: file.path, range: t.range, newText: quoteString(newName) }];
}
