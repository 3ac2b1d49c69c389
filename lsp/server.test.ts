// The language server end to end: a real JSON-RPC client starts `hush lsp --stdio` and drives
// it as an editor would. Positions in the test texts are markers (`<|>`, `[[…]]`, see
// testing/markers.ts), never numbers.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPolicyText } from '../language/ast-to-text.ts';
import { checkPolicySet } from '../compiler/check.ts';
import { LspClient, uriOf, type PublishedDiagnostic } from './testing/lsp-client.ts';
import { applyEdits, marked, offsetOf, type TextEditLike } from './testing/markers.ts';

const ROOT = join(import.meta.dirname, '..');
let ws: string;
let client: LspClient;

const ERROR = 1;
const codes = (ds: PublishedDiagnostic[]) => ds.map((d) => d.code);
const labels = (r: any): string[] => (Array.isArray(r) ? r : r?.items ?? []).map((i: { label: string }) => i.label);

/** A policy file in the workspace, written to disk (so it belongs to its set) and opened. */
async function openFile(rel: string, source: string) {
  const m = marked(source);
  const path = join(ws, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, m.text);
  const uri = uriOf(path);
  await client.open(uri, m.text);
  return { ...m, uri, path };
}

beforeAll(async () => {
  ws = mkdtempSync(join(tmpdir(), 'hush-lsp-'));
  cpSync(join(ROOT, 'examples', 'retail'), join(ws, 'retail'), { recursive: true });
  client = await LspClient.start(ws);
});

afterAll(async () => {
  await client?.stop();
  rmSync(ws, { recursive: true, force: true });
});

describe('lifecycle', () => {
  it('announces its capabilities', () => {
    const caps = (client.initializeResult as { capabilities: Record<string, unknown> }).capabilities;
    for (const c of ['completionProvider', 'hoverProvider', 'definitionProvider', 'referencesProvider', 'renameProvider', 'documentFormattingProvider', 'codeActionProvider', 'documentSymbolProvider', 'foldingRangeProvider']) {
      expect(caps[c], c).toBeTruthy();
    }
    expect(caps.positionEncoding).toBe('utf-16');
  });
});

describe('diagnostics', () => {
  it('publishes on open, then on every change, for the whole set', async () => {
    const path = join(ws, 'retail', 'retail.policy');
    const uri = uriOf(path);
    const text = readFileSync(path, 'utf8');
    await client.open(uri, text);
    const first = await client.diagnosticsFor(uri);
    expect(first.filter((d) => d.severity === ERROR)).toEqual([]);
    expect(codes(first)).toContain('hush/limit/groups-per-operation');

    const kws = Array.from({ length: 101 }, (_, i) => `"k${i}"`).join(', ');
    const src = text.replace(/ {2}keywords "加微信"[^\n]*\n {2}keywords [^\n]*\n/, `  keywords [[${kws}]]\n`);
    const m = marked(src);
    await client.change(uri, m.text);
    const after = await client.diagnosticsFor(uri, (ds) => codes(ds).includes('hush/limit/keywords-per-rule'));
    const d = after.find((x) => x.code === 'hush/limit/keywords-per-rule')!;
    expect(d.severity).toBe(ERROR);
    expect(d.range).toEqual(m.ranges[0]);

    await client.change(uri, text);
    await client.diagnosticsFor(uri, (ds) => !codes(ds).includes('hush/limit/keywords-per-rule'));
    await client.close(uri);
  });

  it('checks across the files of a set: names and quotas in other files', async () => {
    const a = await openFile('multi/a.policy', 'enterprise "acme"\ncategory coupon-spam "Farming coupons"\n');
    const rule = (i: number) => `rule "r${i}" {\n  owner member "li.lei"\n  groups "g-1"\n  keywords "k"\n  when keyword then record coupon-spam\n}\n`;
    const b = await openFile('multi/b.policy', Array.from({ length: 600 }, (_, i) => rule(i)).join('\n'));
    const c = await openFile('multi/c.policy', Array.from({ length: 400 }, (_, i) => rule(600 + i)).join('\n') + `\nrule "last" {\n  [[owner member "li.lei"]]\n  groups "g-1"\n  keywords "k"\n  when keyword then recall\n}\n`);
    // 1,001 rules by one member over two files: the 1,001st, in c.policy, is over the quota.
    const dc = await client.diagnosticsFor(c.uri, (ds) => codes(ds).includes('hush/limit/rules-per-member'));
    expect(dc.find((d) => d.code === 'hush/limit/rules-per-member')!.range).toEqual(c.ranges[0]);
    expect(codes(await client.diagnosticsFor(b.uri))).not.toContain('hush/semantic/unknown-category');
    // The declaration leaves a.policy (unsaved): b.policy's records become unknown.
    await client.change(a.uri, 'enterprise "acme"\n');
    const db = await client.diagnosticsFor(b.uri, (ds) => codes(ds).includes('hush/semantic/unknown-category'));
    expect(db.filter((d) => d.code === 'hush/semantic/unknown-category')).toHaveLength(600);
    await client.change(a.uri, 'enterprise "acme"\ncategory coupon-spam "Farming coupons"\n');
    await client.diagnosticsFor(b.uri, (ds) => !codes(ds).includes('hush/semantic/unknown-category'));
    for (const f of [a, b, c]) await client.close(f.uri);
  });

  it('gets 0-based positions right with CJK text, surrogate pairs and many lines', async () => {
    const f = await openFile(
      'cjk/p.policy',
      [
        '# 第一行：注释',
        'rule "零售-广告" {',
        '  owner super-admin "张伟"',
        '  groups "群-1"',
        '  keywords "加微信", "🎁免费", "代购", [["🎁免费"]], "扫码"',
        '  when keyword then warn "请勿发送广告🎁", recall',
        '  when keyword then [[mute forever]]',
        '}',
        '',
      ].join('\n'),
    );
    const ds = await client.diagnosticsFor(f.uri, (x) => codes(x).includes('hush/lint/duplicate-keyword'));
    expect(ds.find((d) => d.code === 'hush/lint/duplicate-keyword')!.range).toEqual(f.ranges[0]);
    const bad = ds.find((d) => d.code === 'hush/semantic/bad-duration');
    expect(bad!.range.start.line).toBe(f.ranges[1].start.line);
    expect(bad!.range.end.character).toBe(f.ranges[1].end.character);
    await client.close(f.uri);
  });

  it('counts CRLF line ends as the client does', async () => {
    const f = await openFile('crlf/p.policy', 'rule "r" {\r\n  owner member "m"\r\n  groups "g"\r\n  keywords "a", [["a"]]\r\n  when keyword then recall\r\n}\r\n');
    const ds = await client.diagnosticsFor(f.uri, (x) => codes(x).includes('hush/lint/duplicate-keyword'));
    expect(ds.find((d) => d.code === 'hush/lint/duplicate-keyword')!.range).toEqual(f.ranges[0]);
    await client.close(f.uri);
  });

  it('checks an unsaved document alone', async () => {
    const m = marked('rule "r" {\n  when keyword then record [[no-such-category]]\n}\n');
    const uri = uriOf(join(ws, 'unsaved', 'new.policy'));
    await client.open(uri, m.text);
    const ds = await client.diagnosticsFor(uri, (x) => codes(x).includes('hush/semantic/unknown-category'));
    expect(ds.find((d) => d.code === 'hush/semantic/unknown-category')!.range).toEqual(m.ranges[0]);
    await client.close(uri);
    await client.diagnosticsFor(uri, (x) => x.length === 0);
  });

  it('follows unsaved list files, and fixes a repeated entry there', async () => {
    mkdirSync(join(ws, 'lists-set', 'lists'), { recursive: true });
    writeFileSync(join(ws, 'lists-set', 'lists', 'vip.txt'), 'c-1\nc-2\n');
    const p = await openFile('lists-set/p.policy', 'exempt customers from "lists/vip.txt"\n');
    expect(codes(await client.diagnosticsFor(p.uri))).toEqual([]);
    const listUri = uriOf(join(ws, 'lists-set', 'lists', 'vip.txt'));
    const list = marked('c-1\nc-2\n[[c-1]]\n');
    await client.open(listUri, list.text, 'plaintext');
    const ds = await client.diagnosticsFor(listUri, (x) => codes(x).includes('hush/lint/duplicate-entry'));
    const d = ds.find((x) => x.code === 'hush/lint/duplicate-entry')!;
    expect(d.range).toEqual(list.ranges[0]);
    const [fix] = (await client.request('textDocument/codeAction', { textDocument: { uri: listUri }, range: d.range, context: { diagnostics: [d] } })) as { edit: { changes: Record<string, TextEditLike[]> } }[];
    expect(applyEdits(list.text, fix.edit.changes[listUri])).toBe('c-1\nc-2\n');
    await client.close(listUri);
    await client.close(p.uri);
  });

  it('checks a YAML policy file too', async () => {
    const path = join(ws, 'yaml', 'p.policy.yaml');
    mkdirSync(join(ws, 'yaml'), { recursive: true });
    writeFileSync(path, 'enterprise: acme\n');
    const uri = uriOf(path);
    await client.open(uri, 'enterprise: acme\n', 'yaml');
    const ds = await client.diagnosticsFor(uri);
    expect(Array.isArray(ds)).toBe(true);
    // Whatever the YAML front end reports, the server answered with the same diagnostics as `hush check`.
    const expected = checkPolicySet(['.'], { cwd: join(ws, 'yaml') }).diagnostics.map((d) => d.code);
    expect(codes(ds)).toEqual(expected);
    await client.close(uri);
  });
});

describe('completion', () => {
  const at = async (rel: string, source: string) => {
    const f = await openFile(rel, source);
    const r = await client.request('textDocument/completion', { textDocument: { uri: f.uri }, position: f.cursors[0] });
    await client.close(f.uri);
    return labels(r);
  };

  it('offers declarations at the top level', async () => {
    const l = await at('c1/p.policy', 'enterprise "a"\n<|>\n');
    expect(l).toEqual(expect.arrayContaining(['rule', 'ladder', 'category', 'blacklist', 'exempt', 'normalize', 'limits']));
    expect(l).not.toContain('when');
  });

  it('offers statements in a rule body, and nothing of a ladder', async () => {
    const l = await at('c2/p.policy', 'rule "r" {\n  owner super-admin "z"\n  <|>\n}\n');
    expect(l).toEqual(expect.arrayContaining(['owner', 'groups', 'keywords', 'except', 'allow', 'when', 'announce', 'configured', 'normalize']));
    expect(l).not.toContain('step');
    expect(l).not.toContain('rule');
  });

  it('offers triggers after `when` and actions after `then`', async () => {
    expect(await at('c3/p.policy', 'rule "r" {\n  when <|>\n}\n')).toEqual(expect.arrayContaining(['keyword', 'link', 'miniprogram', 'flood', 'identity', 'new-member', 'length', 'image', 'card']));
    const actions = await at('c4/p.policy', 'rule "r" {\n  when keyword then recall, <|>\n}\n');
    expect(actions).toEqual(expect.arrayContaining(['warn', 'recall', 'remove', 'mute', 'blacklist', 'notify', 'record']));
  });

  it('offers built-in and declared categories after `record` and in `counts`', async () => {
    const l = await at('c5/p.policy', 'category coupon-spam\nrule "r" {\n  when keyword then record <|>\n}\n');
    expect(l).toEqual(expect.arrayContaining(['harassment', 'fraud', 'coupon-spam']));
    const c = await at('c6/p.policy', 'category coupon-spam\nladder "l" {\n  counts harassment, co<|>\n}\n');
    expect(c).toEqual(expect.arrayContaining(['contact-abuse', 'coupon-spam']));
  });

  it('offers durations, normalisation steps, identities and ladder sanctions', async () => {
    expect(await at('c7/p.policy', 'rule "r" {\n  when flood 5 in 10s then mute <|>\n}\n')).toEqual(expect.arrayContaining(['30m', '1h']));
    expect(await at('c8/p.policy', 'normalize case, <|>\n')).toEqual(expect.arrayContaining(['width', 'symbols', 'traditional', 'confusables']));
    expect(await at('c9/p.policy', 'rule "a" {\n  when identity "vip-lookalike" then recall\n}\nrule "r" {\n  when identity "<|>\n}\n')).toEqual(
      expect.arrayContaining(['vip-lookalike', 'new-customer']),
    );
    expect(await at('c10/p.policy', 'ladder "l" {\n  step 1: <|>\n}\n')).toEqual(expect.arrayContaining(['suspend', 'ban', 'appealable']));
  });

  it('offers list-file paths after `from "`, by listing the folder', async () => {
    mkdirSync(join(ws, 'c11', 'lists'), { recursive: true });
    writeFileSync(join(ws, 'c11', 'lists', 'vip.txt'), 'c-1\n');
    const f = await openFile('c11/p.policy', 'exempt customers from "li<|>"\n');
    const r = await client.request('textDocument/completion', { textDocument: { uri: f.uri }, position: f.cursors[0] });
    const item = (r as { label: string; textEdit: TextEditLike }[]).find((i) => i.label === 'lists/vip.txt')!;
    expect(item).toBeDefined();
    expect(applyEdits(f.text, [item.textEdit])).toBe('exempt customers from "lists/vip.txt"\n');
    await client.close(f.uri);
  });

  it('answers in a comment and in a half-typed file without failing', async () => {
    expect(await at('c12/p.policy', '# a comment <|>\n')).toEqual([]);
    const l = await at('c13/p.policy', 'rule "r" {\n  keywords "a",\n  wh<|>');
    expect(Array.isArray(l)).toBe(true);
  });
});

describe('hover', () => {
  it('explains words and shows limit usage', async () => {
    const f = await openFile(
      'h1/p.policy',
      'rule "r" {\n  owner super-admin "z"\n  groups "g-1", "g-2"\n  key<|>words "a", "b", "a"\n  <|>when keyword then record harass<|>ment\n}\n',
    );
    const value = async (i: number) => ((await client.request('textDocument/hover', { textDocument: { uri: f.uri }, position: f.cursors[i] })) as { contents: { value: string } }).contents.value;
    const kw = await value(0);
    expect(kw).toContain('**keywords** 2/100');
    expect(kw).toContain('keywords [whole-word] LIST');
    expect(await value(1)).toContain('when TRIGGER then ACTION');
    const cat = await value(2);
    expect(cat).toContain('built in, penalty rule 1');
    await client.close(f.uri);
  });

  it('shows groups against the limit on the largest example', async () => {
    const path = join(ws, 'retail', 'retail.policy');
    const src = readFileSync(path, 'utf8').replace('  groups from', '  gr<|>oups from');
    const m = marked(src);
    await client.open(uriOf(path), m.text);
    const h = (await client.request('textDocument/hover', { textDocument: { uri: uriOf(path) }, position: m.cursors[0] })) as { contents: { value: string } };
    expect(h.contents.value).toContain('**groups** 5,000/20,000');
    expect(h.contents.value).toContain('3 batches');
    await client.close(uriOf(path));
  });
});

describe('navigation', () => {
  let a: Awaited<ReturnType<typeof openFile>>;
  let b: Awaited<ReturnType<typeof openFile>>;
  beforeAll(async () => {
    mkdirSync(join(ws, 'nav', 'lists'), { recursive: true });
    writeFileSync(join(ws, 'nav', 'lists', 'vip.txt'), 'c-1\n');
    a = await openFile('nav/a.policy', 'category [[coupon-spam]] "Farming"\nexempt customers from "lists/v<|>ip.txt"\n');
    b = await openFile(
      'nav/b.policy',
      'rule "[[re<|>tail]]" {\n  owner member "m"\n  groups "g"\n  keywords "k"\n  when keyword then record [[coupon<|>-spam]], record [[harassment]]\n}\nladder "[[ab<|>use]]" {\n  counts [[coupon-spam]], harassment\n  step 1: suspend interop for 1h\n}\n',
    );
  });

  it('goes from `record X` to the category declared in another file', async () => {
    const r = (await client.request('textDocument/definition', { textDocument: { uri: b.uri }, position: b.cursors[1] })) as { uri: string; range: unknown }[];
    expect(r).toEqual([{ uri: a.uri, range: a.ranges[0] }]);
  });

  it('opens the list file of `from "…"`', async () => {
    const r = (await client.request('textDocument/definition', { textDocument: { uri: a.uri }, position: a.cursors[0] })) as { uri: string }[];
    expect(r.map((x) => x.uri)).toEqual([uriOf(join(ws, 'nav', 'lists', 'vip.txt'))]);
  });

  it('finds every reference of a category, and where a ladder gets its violations', async () => {
    const refs = (await client.request('textDocument/references', { textDocument: { uri: b.uri }, position: b.cursors[1], context: { includeDeclaration: true } })) as { uri: string; range: unknown }[];
    expect(refs).toEqual(expect.arrayContaining([{ uri: a.uri, range: a.ranges[0] }, { uri: b.uri, range: b.ranges[1] }, { uri: b.uri, range: b.ranges[4] }]));
    expect(refs).toHaveLength(3);
    const ladder = (await client.request('textDocument/references', { textDocument: { uri: b.uri }, position: b.cursors[2], context: { includeDeclaration: false } })) as { range: unknown }[];
    expect(ladder.map((l) => l.range)).toEqual([b.ranges[1], b.ranges[2]]);
  });

  it('renames a category in every file, and a rule', async () => {
    const edit = (await client.request('textDocument/rename', { textDocument: { uri: b.uri }, position: b.cursors[1], newName: 'coupon-farming' })) as { changes: Record<string, TextEditLike[]> };
    expect(applyEdits(a.text, edit.changes[a.uri])).toContain('category coupon-farming "Farming"');
    const nb = applyEdits(b.text, edit.changes[b.uri]);
    expect(nb).toContain('record coupon-farming, record harassment');
    expect(nb).toContain('counts coupon-farming, harassment');
    const prep = (await client.request('textDocument/prepareRename', { textDocument: { uri: b.uri }, position: b.cursors[0] })) as { placeholder: string };
    expect(prep.placeholder).toBe('retail');
    const rule = (await client.request('textDocument/rename', { textDocument: { uri: b.uri }, position: b.cursors[0], newName: '零售 "ads"' })) as { changes: Record<string, TextEditLike[]> };
    expect(applyEdits(b.text, rule.changes[b.uri])).toContain('rule "零售 \\"ads\\"" {');
  });

  it('refuses to rename a built-in category', async () => {
    const m = marked(b.text.replace('record harassment', 'record harass<|>ment'));
    await client.change(b.uri, m.text);
    await expect(client.request('textDocument/rename', { textDocument: { uri: b.uri }, position: m.cursors[0], newName: 'x' })).rejects.toThrow(/built-in/);
    await client.change(b.uri, b.text);
  });

  it('outlines and folds the file', async () => {
    const symbols = (await client.request('textDocument/documentSymbol', { textDocument: { uri: b.uri } })) as { name: string; children?: { name: string }[] }[];
    expect(symbols.map((s) => s.name)).toEqual(['retail', 'abuse']);
    expect(symbols[0].children!.map((c) => c.name)).toContain('when keyword → record, record');
    const folds = (await client.request('textDocument/foldingRange', { textDocument: { uri: b.uri } })) as { startLine: number; endLine: number }[];
    expect(folds).toEqual(expect.arrayContaining([{ startLine: 0, endLine: 5, kind: 'region' }, { startLine: 6, endLine: 9, kind: 'region' }]));
  });
});

describe('formatting', () => {
  it('formats exactly as `hush fmt`, and leaves a broken file alone', async () => {
    const messy = 'rule   "r"{owner super-admin "z"\n groups "g"\nkeywords "a" ,"b"\n\n\n  when keyword then recall}\n';
    const f = await openFile('fmt/p.policy', messy);
    const edits = (await client.request('textDocument/formatting', { textDocument: { uri: f.uri }, options: { tabSize: 2, insertSpaces: true } })) as TextEditLike[];
    expect(applyEdits(messy, edits)).toBe(formatPolicyText(messy, 'p.policy').text);
    await client.change(f.uri, 'rule "r" {\n  when\n');
    expect(await client.request('textDocument/formatting', { textDocument: { uri: f.uri }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
    await client.close(f.uri);
  });
});

describe('code actions', () => {
  const fixesFor = async (f: { uri: string }, code: string) => {
    const ds = await client.diagnosticsFor(f.uri, (x) => codes(x).includes(code));
    const d = ds.find((x) => x.code === code)!;
    return (await client.request('textDocument/codeAction', { textDocument: f, range: d.range, context: { diagnostics: [d] } })) as {
      title: string;
      edit: { changes?: Record<string, TextEditLike[]>; documentChanges?: any[] };
    }[];
  };

  it('removes a repeated keyword', async () => {
    const f = await openFile('fix1/p.policy', 'rule "r" {\n  owner member "m"\n  groups "g"\n  keywords "加微信", "代购", "加微信"\n  when keyword then recall\n}\n');
    const [fix] = await fixesFor(f, 'hush/lint/duplicate-keyword');
    expect(applyEdits(f.text, fix.edit.changes![f.uri])).toContain('keywords "加微信", "代购"\n');
    await client.close(f.uri);
  });

  it('declares a missing category, or changes it to the one meant', async () => {
    const f = await openFile('fix2/p.policy', 'enterprise "e"\n\nrule "r" {\n  owner member "m"\n  groups "g"\n  keywords "k"\n  when keyword then record coupon-spam, record harasment\n}\n');
    const fixes = await fixesFor(f, 'hush/semantic/unknown-category');
    const declare = fixes.find((x) => x.title.includes('category coupon-spam'))!;
    const declared = applyEdits(f.text, declare.edit.changes![f.uri]);
    expect(declared.startsWith('enterprise "e"\n\ncategory coupon-spam\n\nrule')).toBe(true);
    const ds = await client.diagnosticsFor(f.uri);
    const typo = ds.filter((x) => x.code === 'hush/semantic/unknown-category')[1];
    const t = (await client.request('textDocument/codeAction', { textDocument: f, range: typo.range, context: { diagnostics: [typo] } })) as typeof fixes;
    expect(applyEdits(f.text, t.find((x) => x.title === 'change to `harassment`')!.edit.changes![f.uri])).toContain('record harassment');
    await client.close(f.uri);
  });

  it('splits a rule over the keyword limit into rules within it', async () => {
    const kws = Array.from({ length: 150 }, (_, i) => `"k${i}"`);
    const text = `rule "ads" {\n  owner member "m"\n  groups "g"\n  keywords ${kws.slice(0, 120).join(', ')}\n  keywords whole-word ${kws.slice(120).join(', ')}\n  allow links "acme.cn"\n  when keyword then recall\n  when link then recall\n}\n`;
    const f = await openFile('fix3/p.policy', text);
    const [fix] = await fixesFor(f, 'hush/limit/keywords-per-rule');
    const split = applyEdits(f.text, fix.edit.changes![f.uri]);
    writeFileSync(f.path, split);
    await client.change(f.uri, split);
    const ds = await client.diagnosticsFor(f.uri, (x) => !codes(x).includes('hush/limit/keywords-per-rule'));
    expect(ds.filter((d) => d.severity === ERROR)).toEqual([]);
    const model = checkPolicySet(['.'], { cwd: join(ws, 'fix3') }).model;
    expect(model.rules.map((r) => r.name)).toEqual(['ads', 'ads-2']);
    expect(model.rules.map((r) => r.keywords.reduce((n, k) => n + k.list.values.length, 0))).toEqual([100, 50]);
    expect(model.rules[1].whens.map((w) => w.trigger.type)).toEqual(['keyword']);
    await client.close(f.uri);
  });

  it('splits a rule over the group limit, moving groups to a new list file', async () => {
    mkdirSync(join(ws, 'fix4', 'lists'), { recursive: true });
    const groups = Array.from({ length: 20_001 }, (_, i) => `g-${i}`).join('\n') + '\n';
    writeFileSync(join(ws, 'fix4', 'lists', 'groups.txt'), groups);
    const f = await openFile('fix4/p.policy', 'rule "all" {\n  owner member "m"\n  groups from "lists/groups.txt"\n  keywords "k"\n  when keyword then recall\n}\n');
    const [fix] = await fixesFor(f, 'hush/limit/groups-per-rule');
    const changes = fix.edit.documentChanges!;
    // Apply the workspace edit as an editor would: create, then edit each document.
    for (const c of changes) {
      if (c.kind === 'create') writeFileSync(new URL(c.uri), '');
      else {
        const path = new URL(c.textDocument.uri);
        writeFileSync(path, applyEdits(readFileSync(path, 'utf8'), c.edits));
      }
    }
    expect(existsSync(join(ws, 'fix4', 'lists', 'groups-2.txt'))).toBe(true);
    const r = checkPolicySet(['.'], { cwd: join(ws, 'fix4') });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.model.rules.map((x) => x.groups[0].values.length)).toEqual([20_000, 1]);
    await client.close(f.uri);
  });
});

describe('robustness', () => {
  const alive = async () => {
    const r = await client.request('textDocument/hover', { textDocument: { uri: 'file:///nowhere.policy' }, position: { line: 0, character: 0 } });
    expect(r).toBeNull();
  };

  it('answers an unknown method with an error, and goes on', async () => {
    await expect(client.request('hush/no-such-method', {})).rejects.toThrow();
    await alive();
  });

  it('answers malformed parameters without failing', async () => {
    expect(await client.request('textDocument/hover', {})).toBeNull();
    expect(await client.request('textDocument/completion', { textDocument: { uri: 42 }, position: 'x' })).toEqual([]);
    expect(await client.request('textDocument/codeAction', { textDocument: { uri: 'file:///x' } })).toEqual([]);
    await client.notify('textDocument/didChange', { textDocument: { uri: 'file:///never-opened.policy', version: 3 }, contentChanges: 'garbage' });
    await client.notify('textDocument/didOpen', { nonsense: true });
    await alive();
  });

  it('follows every prefix of a policy being typed', async () => {
    const text = readFileSync(join(ROOT, 'examples', 'retail', 'retail.policy'), 'utf8');
    const f = await openFile('typing/p.policy', '');
    for (let cut = 0; cut <= text.length; cut += Math.ceil(text.length / 60)) {
      const part = text.slice(0, cut);
      await client.change(f.uri, part);
      const end = marked(part + '<|>').cursors[0];
      const [comp, hov, sym] = await Promise.all([
        client.request('textDocument/completion', { textDocument: { uri: f.uri }, position: end }),
        client.request('textDocument/hover', { textDocument: { uri: f.uri }, position: end }),
        client.request('textDocument/documentSymbol', { textDocument: { uri: f.uri } }),
      ]);
      expect(Array.isArray(comp)).toBe(true);
      expect(hov === null || typeof hov === 'object').toBe(true);
      expect(Array.isArray(sym)).toBe(true);
    }
    await client.diagnosticsFor(f.uri);
    await client.close(f.uri);
    await alive();
  });

  it('takes a 10 MB document without failing and keeps answering', async () => {
    const rule = (i: number) => `rule "r${i}" {\n  owner member "m"\n  groups "g-${i}"\n  keywords "加微信${i}", "代购${i}"\n  when keyword then recall, warn "请勿发送广告"\n}\n\n`;
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < 10_000_000; i++) {
      const r = rule(i);
      parts.push(r);
      size += Buffer.byteLength(r);
    }
    const text = parts.join('');
    const uri = uriOf(join(ws, 'huge', 'huge.policy'));
    await client.open(uri, text);
    const ds = await client.diagnosticsFor(uri, undefined, 30_000);
    expect(codes(ds)).toEqual(['hush/lsp/file-too-large']);
    const t0 = Date.now();
    const comp = await client.request('textDocument/completion', { textDocument: { uri }, position: marked(text + '<|>').cursors[0] });
    expect(labels(comp)).toContain('rule');
    expect(await client.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
    await alive();
    // Not a timing test (the bench measures speed): a bound that only a hang or a re-check of the
    // 10 MB text per request would break, even on a loaded machine.
    expect(Date.now() - t0).toBeLessThan(20_000);
    await client.close(uri);
  });

  it('shuts down and exits with status 0', async () => {
    const other = await LspClient.start(ws);
    expect(await other.stop()).toBe(0);
  });

  it('exits with status 1 when it stops without a shutdown request: `exit` alone, or stdin closed', async () => {
    const a = await LspClient.start(ws);
    await a.notify('exit', null);
    expect(await a.exited).toBe(1);
    a.conn.dispose();
    const b = await LspClient.start(ws);
    b.child.stdin!.end();
    expect(await b.exited).toBe(1);
    b.conn.dispose();
  });
});

// The marker helper itself: its arithmetic is what the server's positions are checked against.
describe('markers', () => {
  it('counts UTF-16 code units from the line start', () => {
    const m = marked('a\n加🎁<|>b[[c]]');
    expect(m.text).toBe('a\n加🎁bc');
    expect(m.cursors).toEqual([{ line: 1, character: 3 }]);
    expect(m.ranges).toEqual([{ start: { line: 1, character: 4 }, end: { line: 1, character: 5 } }]);
    expect(offsetOf(m.text, m.cursors[0])).toBe(5);
  });
});

describe('documents outside every workspace folder', () => {
  it('checks `file:///x.policy` alone: never its parent tree, and no list file from the file system root', async () => {
    const uri = 'file:///hush-outside-test-x.policy';
    const text = 'enterprise "e"\nlimits "wecom-4.1.36"\nrule "r" {\n  owner member "m"\n  groups from "../../etc/passwd"\n  keywords "x"\n  when keyword then recall\n}\n';
    const started = Date.now();
    await client.open(uri, text);
    const ds = await client.diagnosticsFor(uri, undefined, 5_000);
    // Checking `/` took seconds and nearly a gigabyte; alone, it is a single small file.
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(codes(ds)).toContain('hush/list/outside-root');
    expect(ds.map((d) => d.message).join('\n')).not.toMatch(/root:x:0:0/);
    await client.close(uri);
  });
});
