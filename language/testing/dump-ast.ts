// Test helper: a readable dump of an AST and its diagnostics for golden files. One node per line,
// children indented by two spaces, ranges as `line:col-line:col`:
//
//   rule "retail-ads" 9:1-20:2
//     body
//       when 15:3-15:21
//         trigger keyword 15:8-15:15
//
// Leaves print their value (strings JSON-quoted, so escapes and invisible characters show).
import type { PolicyFile } from '../ast.ts';
import type { Diagnostic, Range } from '../diagnostic.ts';

export function showRange(r: Range): string {
  return `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}`;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The one-line text of a leaf node (a string, name, number or duration), or undefined. */
function leaf(o: Obj): string | undefined {
  const keys = Object.keys(o).filter((k) => k !== 'range').sort().join(',');
  if (keys === 'value') return typeof o.value === 'string' ? JSON.stringify(o.value) : String(o.value);
  if (keys === 'name') return String(o.name);
  if (keys === 'ms,text') return `${String(o.text)} (${o.ms === null ? 'forever' : `${String(o.ms)} ms`})`;
  if (keys === 'percent,text') return `${String(o.text)} (${String(o.percent)} percent)`;
  if (keys === '') return '';
  return undefined;
}

function dumpNode(label: string, o: Obj, indent: string, out: string[]): void {
  const range = isObj(o.range) ? ` ${showRange(o.range as unknown as Range)}` : '';
  const l = leaf(o);
  if (l !== undefined) {
    out.push(`${indent}${[label, l].filter(Boolean).join(' ')}${range}`);
    return;
  }
  const tag = typeof o.kind === 'string' ? o.kind : typeof o.type === 'string' ? o.type : '';
  const scalars: string[] = [];
  const children: [string, unknown][] = [];
  for (const [k, v] of Object.entries(o)) {
    if (k === 'range' || k === 'kind' || k === 'type') continue;
    if (isObj(v) || Array.isArray(v)) children.push([k, v]);
    else scalars.push(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  out.push(`${indent}${[label, tag, ...scalars].filter(Boolean).join(' ')}${range}`);
  for (const [k, v] of children) {
    if (Array.isArray(v)) {
      out.push(`${indent}  ${k}`);
      for (const x of v) dumpNode('-', x as Obj, `${indent}    `, out);
    } else dumpNode(k, v as Obj, `${indent}  `, out);
  }
}

export function dumpDiagnostics(ds: readonly Diagnostic[]): string[] {
  return ds.map((d) => `${d.severity} ${d.code} ${showRange(d.range)} ${d.message}`);
}

/** The AST (without the file name), its comments, and the diagnostics, one item per line. */
export function dumpAst(ast: PolicyFile, diagnostics: readonly Diagnostic[]): string {
  const out: string[] = [];
  out.push(`file ${ast.form} ${showRange(ast.range)}`);
  for (const d of ast.declarations) dumpNode('', d as unknown as Obj, '  ', out);
  out.push('comments');
  for (const c of ast.comments) out.push(`  ${JSON.stringify(c.text)} ${showRange(c.range)}`);
  out.push('diagnostics');
  for (const line of dumpDiagnostics(diagnostics)) out.push(`  ${line}`);
  return `${out.join('\n')}\n`;
}
