// One decrypted WeCom callback message in, what Hush does with it out (spec/wecom.md §2 is the
// contract, with the source document of every fact). Never an exception: the message is hostile
// input like an event, and a field Hush needs that is missing or bad is an error naming it.
//
// - `change_external_chat` (客户群变更事件, documents 92130 / 96361) with ChangeType `update`:
//   UpdateDetail `add_member` gives one `join` per user id of MemChangeList (group = ChatId,
//   at = CreateTime): the quiet period of `new-member` starts there; `del_member` gives a leave,
//   which Hush records (the route logs and counts it) but the runtime has no event for.
// - `change_external_contact` (客户联系变更, document 92130) with ChangeType
//   `add_external_contact` gives a `contact.add` (subject = UserID, contact = ExternalUserID).
// - Anything else (another ChangeType or UpdateDetail, another event, a message) is kept as "not
//   mapped" with its name: WeCom's enumerations are open, and an unknown value is not an error.
//   JoinScene and QuitScene are kept as they come, unknown values included.
//
// Every event is built as JSON and read by the runtime's own event reader (parseEvent), so a
// value the runtime would refuse (an over-long id) is refused here with the WeCom field it came from.
import { parseEvent, type ContactAddEvent, type JoinEvent } from '../engine/events.ts';
import type { CallbackXml } from './callback-xml.ts';

export type NotMappedReason = 'not-mapped' | 'no-member-list';

export type CallbackMapping =
  /** `raw`: each event's JSON object as built (for the decision log), in the order of `events`. */
  | { kind: 'events'; source: 'add_member' | 'add_external_contact'; events: (JoinEvent | ContactAddEvent)[]; raw: Record<string, unknown>[] }
  | { kind: 'leave'; group: string; members: string[]; count: number | null; quitScene: string | null; at: number }
  /** `detail`: what was not mapped (`change_external_chat/change_name`, `msgtype/text`). */
  | { kind: 'ignored'; reason: NotMappedReason; detail: string }
  | { kind: 'error'; field: string; message: string };

/** Longest enumeration value kept for logs and counts. */
const MAX_DETAIL = 64;
const detail = (s: string) => (s.length > MAX_DETAIL ? `${s.slice(0, MAX_DETAIL)}…` : s);

/** CreateTime: whole seconds since the epoch. */
function createTime(xml: CallbackXml): number | { error: string } {
  const v = xml.fields.get('CreateTime');
  if (v === undefined) return { error: 'CreateTime is missing' };
  if (!/^\d{1,11}$/.test(v.trim())) return { error: 'CreateTime must be whole seconds since 1970' };
  return Number(v.trim()) * 1000;
}

/**
 * The members of MemChangeList: its `<Item>`s, or (the form some SDKs read, WxJava's
 * XStreamCDataListConverter) one text of comma-separated ids. Repeats are dropped. Null when the
 * message has no MemChangeList at all (WeCom added it to the event later: document 96361).
 */
function members(xml: CallbackXml): string[] | null {
  const items = xml.lists.get('MemChangeList') ?? (xml.fields.has('MemChangeList') ? xml.fields.get('MemChangeList')!.split(',') : null);
  if (items === null) return null;
  return [...new Set(items.map((s) => s.trim()).filter((s) => s !== ''))];
}

function required(xml: CallbackXml, field: string): string | null {
  const v = xml.fields.get(field);
  return v === undefined || v.trim() === '' ? null : v.trim();
}

export function mapCallback(xml: CallbackXml): CallbackMapping {
  const msgType = xml.fields.get('MsgType')?.trim() ?? '';
  const event = xml.fields.get('Event')?.trim() ?? '';
  if (msgType !== 'event') return { kind: 'ignored', reason: 'not-mapped', detail: detail(`msgtype/${msgType}`) };
  const change = xml.fields.get('ChangeType')?.trim() ?? '';
  if (event === 'change_external_chat') {
    const update = xml.fields.get('UpdateDetail')?.trim() ?? '';
    if (change !== 'update' || (update !== 'add_member' && update !== 'del_member')) {
      return { kind: 'ignored', reason: 'not-mapped', detail: detail(`change_external_chat/${change === 'update' ? update : change}`) };
    }
    const at = createTime(xml);
    if (typeof at !== 'number') return { kind: 'error', field: 'CreateTime', message: at.error };
    const group = required(xml, 'ChatId');
    if (group === null) return { kind: 'error', field: 'ChatId', message: 'ChatId is missing or empty' };
    const list = members(xml);
    if (update === 'del_member') {
      const cnt = xml.fields.get('MemChangeCnt')?.trim();
      return { kind: 'leave', group, members: list ?? [], count: cnt !== undefined && /^\d{1,9}$/.test(cnt) ? Number(cnt) : null, quitScene: xml.fields.get('QuitScene')?.trim() ?? null, at };
    }
    if (list === null || list.length === 0) return { kind: 'ignored', reason: 'no-member-list', detail: 'change_external_chat/add_member' };
    const meta = { source: 'wecom', event: 'change_external_chat', update_detail: 'add_member', join_scene: xml.fields.get('JoinScene')?.trim() ?? null };
    const raw: Record<string, unknown>[] = [];
    const events: JoinEvent[] = [];
    for (let i = 0; i < list.length; i++) {
      const o = { type: 'join', group, member: list[i], at, meta };
      const p = parseEvent(o);
      if (!p.ok) return { kind: 'error', field: p.error.field === 'member' ? `MemChangeList[${i + 1}]` : 'ChatId', message: p.error.message };
      raw.push(o);
      events.push(p.event as JoinEvent);
    }
    return { kind: 'events', source: 'add_member', events, raw };
  }
  if (event === 'change_external_contact') {
    if (change !== 'add_external_contact') return { kind: 'ignored', reason: 'not-mapped', detail: detail(`change_external_contact/${change}`) };
    const at = createTime(xml);
    if (typeof at !== 'number') return { kind: 'error', field: 'CreateTime', message: at.error };
    const subject = required(xml, 'UserID');
    if (subject === null) return { kind: 'error', field: 'UserID', message: 'UserID is missing or empty' };
    const contact = required(xml, 'ExternalUserID');
    if (contact === null) return { kind: 'error', field: 'ExternalUserID', message: 'ExternalUserID is missing or empty' };
    const o = { type: 'contact.add', subject, contact, at, meta: { source: 'wecom', event: 'change_external_contact', change_type: 'add_external_contact', state: xml.fields.get('State') ?? null } };
    const p = parseEvent(o);
    if (!p.ok) return { kind: 'error', field: p.error.field === 'subject' ? 'UserID' : 'ExternalUserID', message: p.error.message };
    return { kind: 'events', source: 'add_external_contact', events: [p.event as ContactAddEvent], raw: [o] };
  }
  return { kind: 'ignored', reason: 'not-mapped', detail: detail(`event/${event}`) };
}
