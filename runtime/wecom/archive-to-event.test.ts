// The archive mapping record by record: every known msgtype to the event it makes, every skip and
// every refusal with its code and field, the senders and owners lists, and properties: no JSON
// value and no record shape makes the mapping throw, and every event it makes is one the runtime
// accepts as it is.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../engine/events.ts';
import { ArchiveTally, archiveErrorRecord, archiveSkipRecord, readArchiveLine } from './archive-line.ts';
import { kindByIdShape, parseOwnersList, parseSendersList } from './archive-senders.ts';
import { ARCHIVE_MSGTYPES, archiveRecordToEvent, type ArchiveMapping } from './archive-to-event.ts';

const CUSTOMER = 'wmGAgeDQAAy2Dtr0F8aK4dTuatfm-5Rg';
const base = { msgid: 'm-1', action: 'send', from: CUSTOMER, tolist: ['zhang.wei'], roomid: 'wr-1', msgtime: 1763892000000 };
const rec = (msgtype: string, body: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ...base, msgtype, ...body, ...extra });

function event(m: ArchiveMapping) {
  if (m.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(m)}`);
  return m.event;
}

const plain = { type: 'message', id: 'm-1', group: 'wr-1', owner: null, sender: { id: CUSTOMER, kind: 'customer', identities: [] }, links: [], miniprograms: [], cards: [], images: 0, at: 1763892000000 };

describe('archiveRecordToEvent: each msgtype', () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['text', { text: { content: '你好，加微信' } }, { text: '你好，加微信' }],
    ['link', { link: { title: '看看', description: '好东西', link_url: 'https://evil.example.org/x', image_url: 'https://cdn.example.org/p.png' } }, { text: '看看\n好东西', links: ['https://evil.example.org/x'] }],
    ['weapp', { weapp: { title: '商城', description: '领券', username: 'gh_bad@app', displayname: '好店' } }, { text: '商城\n领券\n好店', miniprograms: ['gh_bad@app'] }],
    ['card', { card: { corpname: '某公司', userid: 'wo-card-1' } }, { text: '', cards: ['wo-card-1'] }],
    ['image', { image: { md5sum: 'x', filesize: 1, sdkfileid: 'y' } }, { text: '', images: 1 }],
    ['emotion', { emotion: { type: 1, width: 1, height: 1, sdkfileid: 'y' } }, { text: '', images: 1 }],
    ['voice', { voice: { sdkfileid: 'y', play_length: 3 } }, { text: '' }],
    ['video', { video: { sdkfileid: 'y', play_length: 3 } }, { text: '' }],
    ['file', { file: { filename: '加微信.pdf', fileext: 'pdf' } }, { text: '加微信.pdf' }],
    ['location', { location: { title: '门店', address: '上海市', latitude: 31.2, longitude: 121.5 } }, { text: '门店\n上海市' }],
    ['docmsg', { doc: { title: '文档', doc_creator: 'li.lei', link_url: 'https://doc.weixin.qq.com/x' } }, { text: '文档', links: ['https://doc.weixin.qq.com/x'] }],
    ['news', { info: { item: [{ title: 'a', description: 'b', url: 'https://n.example/1', picurl: 'https://p' }, { title: 'c', url: 'https://n.example/2' }] } }, { text: 'a\nb\nc', links: ['https://n.example/1', 'https://n.example/2'] }],
    [
      'mixed',
      {
        mixed: {
          item: [
            // Document 91774's own example: each item's content is its body as a JSON string.
            { type: 'text', content: '{"content":"你好[微笑]\\n"}' },
            { type: 'image', content: '{"md5sum":"368b","filesize":13177,"sdkfileid":"CtYB"}' },
            { type: 'emotion', content: '{"type":1}' },
            { type: 'link', content: JSON.stringify({ title: 't', link_url: 'https://evil.example.org/y' }) },
            { type: 'weapp', content: { username: 'gh_x@app' } },
            { type: 'card', content: '{"userid":"wm-9"}' },
            { type: 'text', content: '{"content":"加微信"}' },
            { type: 'vote', content: '{"votetitle":"?"}' },
            { type: 'mixed', content: '{"item":[{"type":"text","content":"{\\"content\\":\\"nested\\"}"}]}' },
          ],
        },
      },
      { text: '你好[微笑]\n\nt\n加微信', links: ['https://evil.example.org/y'], miniprograms: ['gh_x@app'], cards: ['wm-9'], images: 2 },
    ],
  ];

  it('covers every msgtype the mapping knows', () => {
    expect(cases.map((c) => c[0]).sort()).toEqual([...ARCHIVE_MSGTYPES].sort());
  });

  it.each(cases)('%s', (msgtype, body, want) => {
    expect(event(archiveRecordToEvent(rec(msgtype, body)))).toEqual({ ...plain, ...want });
  });

  it('keeps msgid as the event id and msgtime as its time, and the events it makes are valid as they are', () => {
    for (const [msgtype, body] of cases) {
      const e = event(archiveRecordToEvent(rec(msgtype, body, { msgid: `id-${msgtype}`, msgtime: 1 })));
      expect([e.id, e.at]).toEqual([`id-${msgtype}`, 1]);
      expect(parseEvent(e)).toEqual({ ok: true, event: e });
    }
  });

  it('omits empty fields the SDKs leave out', () => {
    expect(event(archiveRecordToEvent(rec('link', { link: { link_url: '' } })))).toEqual({ ...plain, text: '' });
    expect(event(archiveRecordToEvent(rec('weapp', { weapp: {} })))).toEqual({ ...plain, text: '' });
    expect(event(archiveRecordToEvent(rec('mixed', { mixed: {} })))).toEqual({ ...plain, text: '' });
  });
});

describe('archiveRecordToEvent: senders and owners', () => {
  it('reads the kind from the id shape: wm… and wo… are customers, anything else a member', () => {
    expect(['wmAbc', 'woAbc', 'zhang.wei', 'wbBot', 'WMabc', ''].map(kindByIdShape)).toEqual(['customer', 'customer', 'member', 'member', 'member', 'member']);
    expect(event(archiveRecordToEvent(rec('text', { text: { content: 'x' } }, { from: 'zhang.wei' }))).sender).toEqual({ id: 'zhang.wei', kind: 'member', identities: [] });
  });

  it('lets the senders list override the shape and add identities, and the owners list name the owner', () => {
    const senders = parseSendersList('# overrides\nwmStaff member\nbot-7 customer new-customer other-enterprise-staff\n').entries;
    const owners = parseOwnersList('wr-1 li.lei  # the store manager\n').entries;
    const a = event(archiveRecordToEvent(rec('text', { text: { content: 'x' } }, { from: 'wmStaff' }), { senders, owners }));
    expect([a.sender, a.owner]).toEqual([{ id: 'wmStaff', kind: 'member', identities: [] }, 'li.lei']);
    const b = event(archiveRecordToEvent(rec('text', { text: { content: 'x' } }, { from: 'bot-7', roomid: 'wr-2' }), { senders, owners }));
    expect([b.sender, b.owner]).toEqual([{ id: 'bot-7', kind: 'customer', identities: ['new-customer', 'other-enterprise-staff'] }, null]);
  });

  it('reports each bad line of a list with its line and column', () => {
    const s = parseSendersList('ok customer\nlonely\nx admin\nok member\n' + 'y'.repeat(1025) + ' member\n');
    expect(s.problems.map((p) => [p.line, p.column, p.length])).toEqual([
      [2, 1, 6],
      [3, 3, 5],
      [4, 1, 2],
      [5, 1, 1025],
    ]);
    expect(s.problems[1].message).toContain('`customer` or `member`');
    expect([...s.entries.keys()]).toEqual(['ok']);
    const o = parseOwnersList('wr-1\nwr-2 a b\nwr-3 c\nwr-3 d\r\n');
    expect(o.problems.map((p) => [p.line, p.column])).toEqual([
      [1, 1],
      [2, 8],
      [4, 1],
    ]);
    expect([...o.entries]).toEqual([['wr-3', 'c']]);
  });
});

describe('archiveRecordToEvent: skips', () => {
  const skip = (m: ArchiveMapping) => (m.kind === 'skipped' ? [m.reason, m.msgid, m.detail] : m);
  it('skips 1:1 chats, recalls, switches, unknown actions and unknown msgtypes, counting each', () => {
    expect(skip(archiveRecordToEvent(rec('text', { text: { content: 'x' } }, { roomid: '' })))).toEqual(['one-to-one', 'm-1', '']);
    const { roomid: _, ...noRoom } = rec('text', { text: { content: 'x' } });
    expect(skip(archiveRecordToEvent(noRoom))).toEqual(['one-to-one', 'm-1', '']);
    expect(skip(archiveRecordToEvent({ ...base, action: 'recall', msgtype: 'revoke', revoke: { pre_msgid: 'm-0' } }))).toEqual(['recall', 'm-1', '']);
    expect(skip(archiveRecordToEvent({ ...base, msgtype: 'revoke', revoke: { pre_msgid: 'm-0' } }))).toEqual(['recall', 'm-1', '']);
    // A switch record has no from, roomid nor msgtype (document 91774: msgid, action, time, user).
    expect(skip(archiveRecordToEvent({ msgid: 's-1', action: 'switch', time: 1554119421840, user: 'XuJinSheng' }))).toEqual(['switch', 's-1', '']);
    expect(skip(archiveRecordToEvent({ ...base, action: 'edit' }))).toEqual(['unknown-action', 'm-1', 'edit']);
    expect(skip(archiveRecordToEvent(rec('vote', { votetitle: '?' })))).toEqual(['unknown-msgtype', 'm-1', 'vote']);
    expect(skip(archiveRecordToEvent(rec('constructor', {})))).toEqual(['unknown-msgtype', 'm-1', 'constructor']);
    const long = archiveRecordToEvent(rec('x'.repeat(5000), {}));
    expect(long.kind === 'skipped' && long.detail.length).toBe(64);
  });
});

describe('archiveRecordToEvent: refusals', () => {
  const err = (m: ArchiveMapping) => (m.kind === 'error' ? [m.error.code, m.error.field, m.msgid] : m);
  it.each([
    ['not an object', [1, 2], ['hush/wecom/not-an-object', '', null]],
    ['msgid missing', { ...base, msgid: undefined, msgtype: 'text', text: {} }, ['hush/wecom/missing-field', 'msgid', null]],
    ['msgid a number', { ...base, msgid: 42, msgtype: 'text', text: {} }, ['hush/wecom/bad-type', 'msgid', null]],
    ['msgid too long', { ...base, msgid: 'm'.repeat(1025), msgtype: 'text', text: {} }, ['hush/wecom/bad-value', 'msgid', null]],
    ['action an object', { ...base, action: {}, msgtype: 'text', text: {} }, ['hush/wecom/bad-type', 'action', 'm-1']],
    ['action missing', { ...base, action: undefined, msgtype: 'text', text: {} }, ['hush/wecom/missing-field', 'action', 'm-1']],
    ['roomid a number', rec('text', { text: {} }, { roomid: 7 }), ['hush/wecom/bad-type', 'roomid', 'm-1']],
    ['msgtype missing', { ...base }, ['hush/wecom/missing-field', 'msgtype', 'm-1']],
    ['msgtype an array', { ...base, msgtype: ['text'] }, ['hush/wecom/bad-type', 'msgtype', 'm-1']],
    ['from missing', rec('text', { text: {} }, { from: undefined }), ['hush/wecom/missing-field', 'from', 'm-1']],
    ['from empty', rec('text', { text: {} }, { from: '' }), ['hush/wecom/bad-value', 'from', 'm-1']],
    ['msgtime a string', rec('text', { text: {} }, { msgtime: '1763892000000' }), ['hush/wecom/bad-type', 'msgtime', 'm-1']],
    ['msgtime negative', rec('text', { text: {} }, { msgtime: -1 }), ['hush/wecom/bad-time', 'msgtime', 'm-1']],
    ['msgtime fractional', rec('text', { text: {} }, { msgtime: 1.5 }), ['hush/wecom/bad-time', 'msgtime', 'm-1']],
    ['msgtime past 9999', rec('text', { text: {} }, { msgtime: 1e17 }), ['hush/wecom/bad-time', 'msgtime', 'm-1']],
    ['body missing', rec('text', {}), ['hush/wecom/missing-field', 'text', 'm-1']],
    ['body a string', rec('text', { text: 'hello' }), ['hush/wecom/bad-type', 'text', 'm-1']],
    ['content a number', rec('text', { text: { content: 5 } }), ['hush/wecom/bad-type', 'text.content', 'm-1']],
    ['link_url an array', rec('link', { link: { link_url: ['https://a'] } }), ['hush/wecom/bad-type', 'link.link_url', 'm-1']],
    ['mixed item not an object', rec('mixed', { mixed: { item: ['x'] } }), ['hush/wecom/bad-type', 'mixed.item[0]', 'm-1']],
    ['mixed items not an array', rec('mixed', { mixed: { item: {} } }), ['hush/wecom/bad-type', 'mixed.item', 'm-1']],
    ['mixed content not JSON', rec('mixed', { mixed: { item: [{ type: 'text', content: '{oops' }] } }), ['hush/wecom/bad-json', 'mixed.item[0].content', 'm-1']],
    ['mixed content a JSON number', rec('mixed', { mixed: { item: [{ type: 'text', content: '5' }] } }), ['hush/wecom/bad-type', 'mixed.item[0].content', 'm-1']],
    ['mixed text content a number', rec('mixed', { mixed: { item: [{ type: 'text', content: '{"content":5}' }] } }), ['hush/wecom/bad-type', 'mixed.item[0].content.content', 'm-1']],
    ['news item a string', rec('news', { info: { item: ['x'] } }), ['hush/wecom/bad-type', 'info.item[0]', 'm-1']],
    ['text over 1 MiB', rec('text', { text: { content: 'x'.repeat((1 << 20) + 1) } }), ['hush/wecom/bad-value', 'text', 'm-1']],
    ['more than 10,000 links', rec('news', { info: { item: Array.from({ length: 10_001 }, () => ({ url: 'https://a' })) } }), ['hush/wecom/bad-value', 'info', 'm-1']],
  ] as [string, unknown, unknown][])('%s', (_name, record, want) => {
    expect(err(archiveRecordToEvent(record))).toEqual(want);
  });

  it('reads own fields only: a record cannot borrow its prototype', () => {
    const r = JSON.parse('{"msgid":"m-1","action":"send","from":"wm1","roomid":"wr-1","msgtime":1,"msgtype":"text","__proto__":{"text":{"content":"x"}}}');
    expect(err(archiveRecordToEvent(r))).toEqual(['hush/wecom/missing-field', 'text', 'm-1']);
  });

  it('survives a deeply nested body', () => {
    const deep = JSON.parse('['.repeat(200_000) + ']'.repeat(200_000));
    expect(err(archiveRecordToEvent(rec('text', { text: { content: deep } })))).toEqual(['hush/wecom/bad-type', 'text.content', 'm-1']);
    expect(archiveRecordToEvent(rec('link', { link: deep })).kind).toBe('error');
    const line = readArchiveLine(JSON.stringify(rec('text', { text: { content: 'x' } })).slice(0, -1) + ',"z":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}');
    expect(line.kind).toBe('event');
  });
});

describe('archive properties', () => {
  const check = (m: ArchiveMapping) => {
    if (m.kind === 'error') expect(m.error.code).toMatch(/^hush\/wecom\/[a-z-]+$/);
    if (m.kind === 'event') expect(parseEvent(m.event).ok).toBe(true);
    expect(['event', 'skipped', 'error']).toContain(m.kind);
  };

  it('never throws on any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => check(archiveRecordToEvent(v))), { numRuns: 500 });
  });

  it('never throws on any record shape: known fields with values of any type', () => {
    const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string(), fc.constantFrom('', 'wm1', 'wr-1', 'send', 'recall', 'switch'));
    const body = fc.dictionary(fc.constantFrom('content', 'title', 'description', 'link_url', 'username', 'userid', 'item', 'url', 'filename', 'type'), anyValue);
    const mixedItem = fc.record({ type: fc.constantFrom(...ARCHIVE_MSGTYPES, 'vote'), content: fc.oneof(body.map((b) => JSON.stringify(b)), body, anyValue) }, { requiredKeys: [] });
    const record = fc.record(
      {
        msgid: fc.oneof(fc.string({ minLength: 1 }), anyValue),
        action: fc.oneof(fc.constantFrom('send', 'recall', 'switch'), anyValue),
        from: fc.oneof(fc.constantFrom('wmX', 'woY', 'li.lei'), anyValue),
        roomid: fc.oneof(fc.constantFrom('wr-1', ''), anyValue),
        msgtime: fc.oneof(fc.integer({ min: -1, max: 2 ** 53 }), anyValue),
        msgtype: fc.oneof(fc.constantFrom(...ARCHIVE_MSGTYPES, 'revoke', 'vote'), anyValue),
        text: fc.oneof(body, anyValue),
        link: fc.oneof(body, anyValue),
        weapp: fc.oneof(body, anyValue),
        info: fc.oneof(fc.record({ item: fc.array(fc.oneof(body, anyValue)) }), body, anyValue),
        mixed: fc.oneof(fc.record({ item: fc.array(fc.oneof(mixedItem, anyValue), { maxLength: 6 }) }), anyValue),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(record, (r) => {
        const m = archiveRecordToEvent(r);
        check(m);
        // The line reading agrees with the mapping of the parsed value.
        expect(readArchiveLine(JSON.stringify(r))).toEqual(archiveRecordToEvent(JSON.parse(JSON.stringify(r))));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the archive line format', () => {
  it('refuses a line that is not JSON or repeats a key, naming the msgid when it can', () => {
    expect(readArchiveLine('{"msgid":')).toEqual({ kind: 'error', msgid: null, error: { code: 'hush/wecom/bad-json', field: '', message: 'the line is not valid JSON' } });
    const dup = readArchiveLine('{"msgid":"m-9","msgtype":"text","msgtype":"vote"}');
    expect(dup.kind === 'error' && [dup.error.code, dup.msgid]).toEqual(['hush/wecom/duplicate-key', 'm-9']);
  });

  it('writes skip and error records with their place and msgid', () => {
    const s = archiveRecordToEvent(rec('text', { text: { content: 'x' } }, { roomid: '' }));
    if (s.kind !== 'skipped') throw new Error('expected a skip');
    expect(JSON.parse(archiveSkipRecord({ line: 4 }, s))).toEqual({ skipped: { line: 4, msgid: 'm-1', reason: 'one-to-one', message: s.message } });
    expect(JSON.parse(archiveErrorRecord({ index: 0, line: 1 }, null, { code: 'hush/wecom/bad-json', field: '', message: 'm' }))).toEqual({ error: { index: 0, line: 1, field: '', code: 'hush/wecom/bad-json', message: 'm' } });
  });

  it('counts skips by reason and unknown msgtypes by name', () => {
    const t = new ArchiveTally();
    for (const r of [rec('vote', {}), rec('vote', {}), rec('calendar', {}), rec('text', { text: {} }, { roomid: '' }), rec('text', { text: { content: 'x' } }), 'oops']) {
      t.count(typeof r === 'string' ? readArchiveLine(r) : archiveRecordToEvent(r));
    }
    expect([t.records, t.decided]).toEqual([6, 1]);
    expect(t.summary()).toBe('hush: 4 of 6 archive records skipped: 3 unknown-msgtype, 1 one-to-one (2 "vote", 1 "calendar")\nhush: 1 of 6 archive records refused (see the error records): 1 hush/wecom/bad-json\n');
    expect(new ArchiveTally().summary()).toBe('');
  });
});
