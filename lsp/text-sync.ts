// Applying an editor's `didChange` to an open document, defensively. The client is trusted to
// describe edits, not to describe them well: vscode-languageserver-textdocument applies a range
// as given, and a range whose line lies far past the end of the document (line 1,000,000,000)
// makes its table of line offsets a sparse array of that length; the next edit then walks it
// element by element, and the server sits at 100% CPU. So every change is checked and clamped
// here first, as LSP says positions are read:
// - a character past the end of its line means the line's end (before its line break);
// - a line past the last line means the end of the document;
// - a range whose start lies after its end is swapped (as the library itself does);
// - lines and characters are UTF-16 code-unit counts, non-negative integers; anything else (a
//   negative or fractional number, a string, a missing field) refuses the whole notification,
//   which leaves the document as it was: no change of it is applied, not even its version.
// The clamped range is handed to the library with positions it computed itself, so its line
// table is updated only with lines that exist.
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';

interface Position {
  line: number;
  character: number;
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;

function isPosition(p: unknown): p is Position {
  return typeof p === 'object' && p !== null && isCount((p as Position).line) && isCount((p as Position).character);
}

/** Why a change cannot be applied, or undefined when it can. */
function problemOf(change: unknown, i: number): string | undefined {
  if (typeof change !== 'object' || change === null) return `change ${i} is not an object`;
  const c = change as { text?: unknown; range?: unknown; rangeLength?: unknown };
  if (typeof c.text !== 'string') return `change ${i} has no text`;
  if (c.range === undefined) return c.rangeLength === undefined ? undefined : `change ${i} has a range length but no range`;
  const r = c.range as { start?: unknown; end?: unknown };
  if (typeof r !== 'object' || r === null) return `change ${i} has a malformed range`;
  if (!isPosition(r.start) || !isPosition(r.end)) return `change ${i} has a position that is not two non-negative integers`;
  return undefined;
}

/** The offset of an LSP position, clamped into the document as LSP reads positions. */
export function clampedOffset(doc: TextDocument, p: Position): number {
  if (p.line >= doc.lineCount) return doc.getText().length;
  // offsetAt clamps a character past the line's end to the line's end, before its line break.
  return doc.offsetAt(p);
}

export type UpdateResult = { ok: true; document: TextDocument } | { ok: false; reason: string };

/**
 * Applies `changes` (as received, unchecked) to `doc` and gives it `version`; or refuses them
 * all and leaves `doc` untouched. Ranges are clamped (see the file comment).
 */
export function updateDocument(doc: TextDocument, changes: unknown, version: unknown): UpdateResult {
  if (!Array.isArray(changes)) return { ok: false, reason: 'contentChanges is not a list' };
  if (typeof version !== 'number' || !Number.isInteger(version)) return { ok: false, reason: 'the version is not an integer' };
  for (let i = 0; i < changes.length; i++) {
    const p = problemOf(changes[i], i);
    if (p) return { ok: false, reason: p };
  }
  for (const change of changes as TextDocumentContentChangeEvent[]) {
    if (!('range' in change) || change.range === undefined) {
      TextDocument.update(doc, [{ text: change.text }], version);
      continue;
    }
    let start = clampedOffset(doc, change.range.start);
    let end = clampedOffset(doc, change.range.end);
    if (start > end) [start, end] = [end, start];
    TextDocument.update(doc, [{ range: { start: doc.positionAt(start), end: doc.positionAt(end) }, text: change.text }], version);
  }
  if (changes.length === 0) TextDocument.update(doc, [], version);
  return { ok: true, document: doc };
}
