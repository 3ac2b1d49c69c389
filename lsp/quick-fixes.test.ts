// The quick fixes a diagnostic carries (input-method punctuation, `60 minutes`, a misspelt word,
// a step written `step: 2`), through a real JSON-RPC client and `hush lsp --stdio`: each is
// offered on its diagnostic, and applying the offered edits gives the text that was meant, which
// the server then checks clean.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LspClient, uriOf, type PublishedDiagnostic } from './testing/lsp-client.ts';
import { applyEdits, type TextEditLike } from './testing/markers.ts';

let ws: string;
let client: LspClient;

beforeAll(async () => {
  ws = mkdtempSync(join(tmpdir(), 'hush-lsp-fix-'));
  client = await LspClient.start(ws);
});

afterAll(async () => {
  await client?.stop();
  rmSync(ws, { recursive: true, force: true });
});

interface Action {
  title: string;
  isPreferred?: boolean;
  edit: { changes?: Record<string, TextEditLike[]>; documentChanges?: { textDocument?: { uri: string }; edits?: TextEditLike[] }[] };
}

const editsOf = (a: Action, uri: string): TextEditLike[] =>
  a.edit.changes?.[uri] ?? (a.edit.documentChanges ?? []).filter((c) => c.textDocument?.uri === uri).flatMap((c) => c.edits ?? []);

async function open(rel: string, text: string) {
  const path = join(ws, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  const uri = uriOf(path);
  await client.open(uri, text);
  return uri;
}

const actionsFor = (uri: string, d: PublishedDiagnostic) =>
  client.request<Action[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });

const MEANT = `rule "ads" {
  owner member "li.lei"
  groups "g-1"
  keywords "加微信", "私聊"
  when keyword then recall
  when flood 5 in 10s then mute 60m
}

ladder "l" {
  counts harassment
  step 1: suspend interop for 1h
  step 2: ban member forever
}
`;

describe('quick fixes carried by diagnostics', () => {
  it('offers the fix of each, and the fixes together give the policy meant', async () => {
    const typed = MEANT.replace('"加微信", "私聊"', '“加微信”，“私聊”').replace('then recall', 'then recal').replace('mute 60m', 'mute 60 minutes').replace('step 2:', 'step: 2');
    const uri = await open('a/p.policy', typed);
    const ds = await client.diagnosticsFor(uri, (x) => x.length > 0);
    expect(ds.map((d) => d.code)).toEqual([
      'hush/syntax/wrong-quotes',
      'hush/syntax/full-width-punctuation',
      'hush/syntax/wrong-quotes',
      'hush/syntax/expected-token',
      'hush/syntax/bad-duration',
      'hush/syntax/bad-step',
    ]);
    const titles: string[] = [];
    const edits: TextEditLike[] = [];
    for (const d of ds) {
      const actions = await actionsFor(uri, d);
      expect(actions.length, `a fix for ${String(d.code)}`).toBe(1);
      expect(actions[0].isPreferred).toBe(true);
      titles.push(actions[0].title);
      edits.push(...editsOf(actions[0], uri));
    }
    expect(titles).toEqual(['use straight double quotes `"`', 'use `,`', 'use straight double quotes `"`', 'change to `recall`', 'write `60m`', 'write `step 2:`']);
    const fixed = applyEdits(typed, edits);
    expect(fixed).toBe(MEANT);
    await client.change(uri, fixed);
    const after = await client.diagnosticsFor(uri, (x) => !x.some((d) => String(d.code).startsWith('hush/syntax/')));
    expect(after.filter((d) => d.severity === 1)).toEqual([]);
    await client.close(uri);
  });

  it('still offers the fix after an edit above it moved it (incremental parse)', async () => {
    const typed = MEANT.replace('"加微信", "私聊"', '"加微信"，"私聊"');
    const uri = await open('b/p.policy', typed);
    await client.diagnosticsFor(uri, (x) => x.some((d) => d.code === 'hush/syntax/full-width-punctuation'));
    const moved = `# a comment added above\n\n${typed}`;
    await client.change(uri, moved);
    const ds = await client.diagnosticsFor(uri, (x) => x.some((d) => d.code === 'hush/syntax/full-width-punctuation' && d.range.start.line === 5));
    const d = ds.find((x) => x.code === 'hush/syntax/full-width-punctuation')!;
    const [a] = await actionsFor(uri, d);
    expect(applyEdits(moved, editsOf(a, uri))).toBe(`# a comment added above\n\n${MEANT}`);
    await client.close(uri);
  });
});
