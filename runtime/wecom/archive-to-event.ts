// One decrypted WeCom chat-archive record (会话内容存档, document 91774) in, one Hush message
// event out, or the reason it is skipped, or an error naming the bad field. Never an exception:
// records are hostile input like events (spec/wecom.md §1 is the contract, with the source of
// every fact).
//
// The mapping: `roomid` → group (no roomid: a 1:1 chat, skipped), `from` → sender (its kind by
// id shape or the senders list, archive-senders.ts), `msgtime` → `at`, `msgid` → the event's `id`
// (so a replayed record changes no state twice). Each known `msgtype` has one body reader in
// `BODIES` that adds what the group sees to the message: text, web links, mini-program ids, card
// user ids and images. `recall` and `switch` records, and unknown `msgtype`s, are skipped.
import { parseEvent, type MessageEvent } from '../engine/events.ts';
import { MAX_EVENT_TIME } from '../engine/time.ts';
import { kindByIdShape, type ArchiveOptions } from './archive-senders.ts';

/** Why a record gives no event; each is counted. */
export type SkipReason = 'one-to-one' | 'recall' | 'switch' | 'unknown-action' | 'unknown-msgtype';

export interface ArchiveProblem {
  /** `hush/wecom/<name>`. */
  code: string;
  /** The record's field (`link.link_url`, `mixed.item[1].content`); empty for the record as a whole. */
  field: string;
  message: string;
}

export type ArchiveMapping =
  | { kind: 'event'; msgid: string; event: MessageEvent }
  /** `detail`: the unknown `msgtype` or `action`, for the counts; otherwise empty. */
  | { kind: 'skipped'; msgid: string | null; reason: SkipReason; detail: string; message: string }
  | { kind: 'error'; msgid: string | null; error: ArchiveProblem };

/** Longest id (`msgid`, `from`, `roomid`) accepted: an event's id limit. */
const MAX_ID = 1024;
/** Longest unknown `msgtype` or `action` kept for the counts. */
const MAX_DETAIL = 64;

const CODES = {
  'not-an-object': 'hush/wecom/not-an-object',
  'missing-field': 'hush/wecom/missing-field',
  'bad-type': 'hush/wecom/bad-type',
  'bad-value': 'hush/wecom/bad-value',
  'bad-time': 'hush/wecom/bad-time',
  'bad-json': 'hush/wecom/bad-json',
} as const;

class RecordFault {
  constructor(readonly problem: ArchiveProblem) {}
}

function fail(code: keyof typeof CODES, field: string, message: string): never {
  throw new RecordFault({ code: CODES[code], field, message });
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

/** An own field only: a record's `constructor` or `__proto__` is data, never the prototype's. */
function field(o: Obj, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** An optional string of a body: absent or null is empty (the SDKs omit empty fields). */
function str(o: Obj, key: string, path: string): string {
  const v = field(o, key);
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') fail('bad-type', join(path, key), `\`${join(path, key)}\` must be a string, not ${typeName(v)}`);
  return v;
}

/** A required id of the record: a string of 1 to 1,024 characters. */
function id(o: Obj, key: string): string {
  const v = field(o, key);
  if (v === undefined || v === null) fail('missing-field', key, `\`${key}\` is missing`);
  if (typeof v !== 'string') fail('bad-type', key, `\`${key}\` must be a string, not ${typeName(v)}`);
  if (v === '') fail('bad-value', key, `\`${key}\` is empty`);
  if (v.length > MAX_ID) fail('bad-value', key, `\`${key}\` is longer than ${MAX_ID} characters`);
  return v;
}

/** What a record shows the group, gathered from its body (or the items of a `mixed` body). */
interface Parts {
  text: string[];
  links: string[];
  miniprograms: string[];
  cards: string[];
  images: number;
}

function addText(p: Parts, ...texts: string[]): void {
  for (const t of texts) if (t !== '') p.text.push(t);
}

function addOne(list: string[], v: string): void {
  if (v !== '') list.push(v);
}

interface BodyReader {
  /** The record's field that holds the body (`doc` for `docmsg`, `info` for `news`). */
  body: string;
  read(b: Obj, path: string, p: Parts): void;
}

/**
 * The known message types (document 91774, as in silenceper/wechat work/msgaudit/message.go and
 * fudiwei/DotNetCore.SKIT.FlurlHttpClient.Wechat's Finance ChatMessage.cs), each one whose
 * `msgtype` name a sample record of the document confirms. A type that shows
 * nothing Hush judges (voice, video) still becomes a message: it counts toward floods and is
 * subject to identity and new-member rules.
 */
const BODIES = new Map<string, BodyReader>([
  ['text', { body: 'text', read: (b, path, p) => addText(p, str(b, 'content', path)) }],
  [
    'link',
    {
      body: 'link',
      read: (b, path, p) => {
        // Choice: the title and description are scanned as text; `image_url` (the preview
        // picture's address) is not a link the group follows.
        addText(p, str(b, 'title', path), str(b, 'description', path));
        addOne(p.links, str(b, 'link_url', path));
        str(b, 'image_url', path);
      },
    },
  ],
  [
    'weapp',
    {
      body: 'weapp',
      read: (b, path, p) => {
        addText(p, str(b, 'title', path), str(b, 'description', path), str(b, 'displayname', path));
        addOne(p.miniprograms, str(b, 'username', path));
      },
    },
  ],
  [
    'card',
    {
      body: 'card',
      read: (b, path, p) => {
        str(b, 'corpname', path);
        addOne(p.cards, str(b, 'userid', path));
      },
    },
  ],
  ['image', { body: 'image', read: (_b, _path, p) => void (p.images += 1) }],
  // Choice: a sticker is a picture the group sees, so it counts as an image.
  ['emotion', { body: 'emotion', read: (_b, _path, p) => void (p.images += 1) }],
  ['voice', { body: 'voice', read: () => {} }],
  ['video', { body: 'video', read: () => {} }],
  ['file', { body: 'file', read: (b, path, p) => addText(p, str(b, 'filename', path)) }],
  ['location', { body: 'location', read: (b, path, p) => addText(p, str(b, 'title', path), str(b, 'address', path)) }],
  [
    'docmsg',
    {
      body: 'doc',
      read: (b, path, p) => {
        addText(p, str(b, 'title', path));
        addOne(p.links, str(b, 'link_url', path));
      },
    },
  ],
  [
    'news',
    {
      body: 'info',
      read: (b, path, p) => {
        items(b, path).forEach((it, i) => {
          const at = `${join(path, 'item')}[${i}]`;
          if (!isObject(it)) fail('bad-type', at, `\`${at}\` must be an object, not ${typeName(it)}`);
          addText(p, str(it, 'title', at), str(it, 'description', at));
          addOne(p.links, str(it, 'url', at));
        });
      },
    },
  ],
  ['mixed', { body: 'mixed', read: readMixed }],
]);

/** The `item` array of a body (absent or null: none). */
function items(b: Obj, path: string): unknown[] {
  const v = field(b, 'item');
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail('bad-type', join(path, 'item'), `\`${join(path, 'item')}\` must be an array, not ${typeName(v)}`);
  return v;
}

/**
 * A `mixed` body: items `{type, content}` where `content` is the item's own body as a JSON
 * string (document 91774's example: `{"type":"text","content":"{\"content\":\"你好[微笑]\\n\"}"}`).
 * Each item is read as the body of its type; an item that is already an object is read as is;
 * an item of a type Hush does not know, or a `mixed` inside a `mixed`, adds nothing.
 */
function readMixed(b: Obj, path: string, p: Parts): void {
  items(b, path).forEach((it, i) => {
    const at = `${join(path, 'item')}[${i}]`;
    if (!isObject(it)) fail('bad-type', at, `\`${at}\` must be an object, not ${typeName(it)}`);
    const type = str(it, 'type', at);
    const reader = BODIES.get(type);
    if (!reader || type === 'mixed') return;
    const raw = field(it, 'content');
    let content: unknown = raw;
    if (typeof raw === 'string') {
      try {
        content = JSON.parse(raw);
      } catch {
        fail('bad-json', `${at}.content`, `\`${at}.content\` is not valid JSON (a mixed item's content is its body as a JSON string)`);
      }
    }
    if (content === undefined || content === null) content = {};
    if (!isObject(content)) fail('bad-type', `${at}.content`, `\`${at}.content\` must be a JSON object, not ${typeName(content)}`);
    reader.read(content, `${at}.content`, p);
  });
}

const ACTIONS = new Map<string, SkipReason | null>([
  ['send', null],
  ['recall', 'recall'],
  ['switch', 'switch'],
]);

const SKIP_MESSAGES: Record<SkipReason, string> = {
  'one-to-one': 'a 1:1 chat (no roomid): Hush moderates customer groups',
  recall: 'a recall record: the message it withdraws was decided when it was sent',
  switch: 'a switch record (a member changed enterprise): not a message',
  'unknown-action': 'an action Hush does not know',
  'unknown-msgtype': 'a msgtype Hush does not map',
};

function skipped(msgid: string | null, reason: SkipReason, detail = ''): ArchiveMapping {
  const d = detail.length > MAX_DETAIL ? detail.slice(0, MAX_DETAIL) : detail;
  return { kind: 'skipped', msgid, reason, detail: d, message: d ? `${SKIP_MESSAGES[reason]}: ${JSON.stringify(d)}` : SKIP_MESSAGES[reason] };
}

/** Maps one parsed record. Never throws. */
export function archiveRecordToEvent(value: unknown, options: ArchiveOptions = {}): ArchiveMapping {
  let msgid: string | null = null;
  try {
    if (!isObject(value)) fail('not-an-object', '', `an archive record must be a JSON object, not ${typeName(value)}`);
    msgid = id(value, 'msgid');
    const action = field(value, 'action');
    if (action === undefined || action === null) fail('missing-field', 'action', '`action` is missing');
    if (typeof action !== 'string') fail('bad-type', 'action', `\`action\` must be a string, not ${typeName(action)}`);
    if (!ACTIONS.has(action)) return skipped(msgid, 'unknown-action', action);
    const actionSkip = ACTIONS.get(action);
    if (actionSkip) return skipped(msgid, actionSkip);
    const room = field(value, 'roomid');
    if (room === undefined || room === null || room === '') return skipped(msgid, 'one-to-one');
    const group = id(value, 'roomid');
    const msgtype = field(value, 'msgtype');
    if (msgtype === undefined || msgtype === null) fail('missing-field', 'msgtype', '`msgtype` is missing');
    if (typeof msgtype !== 'string') fail('bad-type', 'msgtype', `\`msgtype\` must be a string, not ${typeName(msgtype)}`);
    // A `revoke` body belongs to a recall record, whatever its action says.
    if (msgtype === 'revoke') return skipped(msgid, 'recall');
    const reader = BODIES.get(msgtype);
    if (!reader) return skipped(msgid, 'unknown-msgtype', msgtype);
    const from = id(value, 'from');
    const at = msgtime(value);
    const body = field(value, reader.body);
    if (body === undefined || body === null) fail('missing-field', reader.body, `\`${reader.body}\` is missing (the body of a \`${msgtype}\` record)`);
    if (!isObject(body)) fail('bad-type', reader.body, `\`${reader.body}\` must be an object, not ${typeName(body)}`);
    const parts: Parts = { text: [], links: [], miniprograms: [], cards: [], images: 0 };
    reader.read(body, reader.body, parts);
    const override = options.senders?.get(from);
    const sender = { id: from, kind: override?.kind ?? kindByIdShape(from), identities: override?.identities ?? [] };
    // The event goes through the runtime's own validation, which holds it to the event limits
    // (text length, item counts).
    const parsed = parseEvent({
      type: 'message',
      id: msgid,
      group,
      owner: options.owners?.get(group) ?? null,
      sender,
      text: parts.text.join('\n'),
      links: parts.links,
      miniprograms: parts.miniprograms,
      cards: parts.cards,
      images: parts.images,
      at,
    });
    if (!parsed.ok) fail('bad-value', reader.body, `the message made from this record is refused: ${parsed.error.message} (${parsed.error.code})`);
    return { kind: 'event', msgid, event: parsed.event as MessageEvent };
  } catch (e) {
    if (e instanceof RecordFault) return { kind: 'error', msgid, error: e.problem };
    throw e;
  }
}

/** `msgtime`: UTC epoch milliseconds (document 91774), within the event time range. */
function msgtime(o: Obj): number {
  const v = field(o, 'msgtime');
  if (v === undefined || v === null) fail('missing-field', 'msgtime', '`msgtime` is missing');
  if (typeof v !== 'number') fail('bad-type', 'msgtime', `\`msgtime\` must be a number (UTC epoch milliseconds), not ${typeName(v)}`);
  if (!Number.isSafeInteger(v) || v < 0 || v > MAX_EVENT_TIME) fail('bad-time', 'msgtime', '`msgtime` must be whole UTC epoch milliseconds from 1970 to 9999');
  return v;
}

/** The message types the mapping knows, in the table's order. */
export const ARCHIVE_MSGTYPES: readonly string[] = [...BODIES.keys()];
