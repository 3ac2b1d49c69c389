// mapCallback: every mapping of spec/wecom.md §2 on the documented event shapes (documents 92130
// and 96361 as reproduced by the SDKs), the open enumerations (unknown values kept, not refused)
// and each error naming the WeCom field it comes from.
import { describe, expect, it } from 'vitest';
import { mapCallback } from './callback-events.ts';
import { readCallbackXml } from './callback-xml.ts';

function map(fields: Record<string, string>, extra = '') {
  const body = Object.entries(fields)
    .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
    .join('');
  const r = readCallbackXml(`<xml>${body}${extra}</xml>`, 1 << 20);
  if (!r.ok) throw new Error(r.message);
  return mapCallback(r.xml);
}

const chat = (detail: string, more: Record<string, string> = {}) => ({
  ToUserName: 'wwcorp',
  FromUserName: 'sys',
  CreateTime: '1764900000',
  MsgType: 'event',
  Event: 'change_external_chat',
  ChatId: 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA',
  ChangeType: 'update',
  UpdateDetail: detail,
  ...more,
});

describe('change_external_chat', () => {
  it('add_member: one join per member of MemChangeList, at CreateTime, JoinScene kept', () => {
    const r = map(chat('add_member', { JoinScene: '3', MemChangeCnt: '2' }), '<MemChangeList><Item>wmAAA</Item><Item>zhangsan</Item><Item>wmAAA</Item></MemChangeList>');
    expect(r).toEqual({
      kind: 'events',
      source: 'add_member',
      events: [
        { type: 'join', group: 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA', member: 'wmAAA', at: 1764900000000 },
        { type: 'join', group: 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA', member: 'zhangsan', at: 1764900000000 },
      ],
      raw: expect.any(Array),
    });
    if (r.kind === 'events') expect(r.raw[0]).toEqual({ type: 'join', group: 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA', member: 'wmAAA', at: 1764900000000, meta: { source: 'wecom', event: 'change_external_chat', update_detail: 'add_member', join_scene: '3' } });
  });

  it('add_member with an unknown JoinScene: kept as it comes', () => {
    const r = map(chat('add_member', { JoinScene: '42' }), '<MemChangeList><Item>wmB</Item></MemChangeList>');
    expect(r.kind === 'events' && (r.raw[0].meta as { join_scene: string }).join_scene).toBe('42');
  });

  it('add_member with the members as one comma-separated text (the form WxJava also reads)', () => {
    const r = map(chat('add_member', { MemChangeList: 'wmA,wmB' }));
    expect(r.kind === 'events' && r.events.map((e) => (e.type === 'join' ? e.member : ''))).toEqual(['wmA', 'wmB']);
  });

  it('add_member without MemChangeList (pushed before WeCom added it): not mapped, said so', () => {
    expect(map(chat('add_member', { MemChangeCnt: '3' }))).toEqual({ kind: 'ignored', reason: 'no-member-list', detail: 'change_external_chat/add_member' });
  });

  it('del_member: a leave with its members, count and QuitScene', () => {
    expect(map(chat('del_member', { QuitScene: '1', MemChangeCnt: '1' }), '<MemChangeList><Item>wmGone</Item></MemChangeList>')).toEqual({
      kind: 'leave',
      group: 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA',
      members: ['wmGone'],
      count: 1,
      quitScene: '1',
      at: 1764900000000,
    });
  });

  it.each(['change_owner', 'change_name', 'change_notice', 'some_future_detail'])('UpdateDetail %s: not mapped', (d) => {
    expect(map(chat(d))).toEqual({ kind: 'ignored', reason: 'not-mapped', detail: `change_external_chat/${d}` });
  });

  it.each(['create', 'dismiss', 'unknown_change'])('ChangeType %s: not mapped', (c) => {
    expect(map({ ...chat('add_member'), ChangeType: c })).toEqual({ kind: 'ignored', reason: 'not-mapped', detail: `change_external_chat/${c}` });
  });

  it('errors name the WeCom field', () => {
    const { ChatId: _c, ...noChat } = chat('add_member');
    expect(map(noChat, '<MemChangeList><Item>a</Item></MemChangeList>')).toMatchObject({ kind: 'error', field: 'ChatId' });
    const { CreateTime: _t, ...noTime } = chat('add_member');
    expect(map(noTime, '<MemChangeList><Item>a</Item></MemChangeList>')).toMatchObject({ kind: 'error', field: 'CreateTime' });
    expect(map(chat('add_member', { CreateTime: '2026-12-06' }), '<MemChangeList><Item>a</Item></MemChangeList>')).toMatchObject({ kind: 'error', field: 'CreateTime' });
    expect(map(chat('add_member'), `<MemChangeList><Item>a</Item><Item>${'x'.repeat(1025)}</Item></MemChangeList>`)).toMatchObject({ kind: 'error', field: 'MemChangeList[2]' });
  });
});

describe('change_external_contact', () => {
  const contact = (change: string, more: Record<string, string> = {}) => ({
    ToUserName: 'wwcorp',
    FromUserName: 'sys',
    CreateTime: '1764900000',
    MsgType: 'event',
    Event: 'change_external_contact',
    ChangeType: change,
    UserID: 'zhangsan',
    ExternalUserID: 'woAJ2GCAAAXtWyujaWJHDDGi0mACH71w',
    State: 'teststate',
    WelcomeCode: 'WELCOMECODE',
    ...more,
  });

  it('add_external_contact: a contact.add of the member and the external contact', () => {
    const r = map(contact('add_external_contact'));
    expect(r).toMatchObject({ kind: 'events', source: 'add_external_contact', events: [{ type: 'contact.add', subject: 'zhangsan', contact: 'woAJ2GCAAAXtWyujaWJHDDGi0mACH71w', at: 1764900000000 }] });
  });

  it.each(['edit_external_contact', 'add_half_external_contact', 'del_external_contact', 'del_follow_user', 'transfer_fail', 'brand_new'])('ChangeType %s: not mapped', (c) => {
    expect(map(contact(c))).toEqual({ kind: 'ignored', reason: 'not-mapped', detail: `change_external_contact/${c}` });
  });

  it('a missing UserID or ExternalUserID is an error naming it', () => {
    expect(map(contact('add_external_contact', { UserID: '' }))).toMatchObject({ kind: 'error', field: 'UserID' });
    expect(map(contact('add_external_contact', { ExternalUserID: ' ' }))).toMatchObject({ kind: 'error', field: 'ExternalUserID' });
  });
});

describe('other messages', () => {
  it('another event or a message: not mapped, named', () => {
    expect(map({ MsgType: 'event', Event: 'change_contact', CreateTime: '1' })).toEqual({ kind: 'ignored', reason: 'not-mapped', detail: 'event/change_contact' });
    expect(map({ MsgType: 'text', Content: 'hi', CreateTime: '1' })).toEqual({ kind: 'ignored', reason: 'not-mapped', detail: 'msgtype/text' });
    expect(map({})).toEqual({ kind: 'ignored', reason: 'not-mapped', detail: 'msgtype/' });
  });
});
