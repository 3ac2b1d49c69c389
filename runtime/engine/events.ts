// Validation of chat events: JSON in, a typed event or an error naming the bad field out. The
// engine never sees an unchecked event, and a bad event is data (an error with a stable code),
// never an exception. Each event type has its own reader in `READERS`: message, join, and the
// ladders' violation, linked.status, appeal and contact.add.
//
// Choices (spec/runtime.md): an unknown `type` is rejected; unknown fields are rejected too,
// because a misspelt optional field (`link` for `links`) would otherwise let every link through
// unseen; `meta` is reserved for the integration's own use and ignored. `id` is the event's own
// id: violations and appeals are recorded under it (so a replayed event changes nothing twice),
// and a message's id names the violations its `record` actions report. Without one, the id is
// derived from the event's content.
//
// Every event of a stream passes here, so the common message (the usual fields, a time in the
// usual form) is read by `quickMessage` without building anything but the event; anything it
// does not recognise, and every error, goes to the full readers, which alone word the errors.
import type { MessageInput } from '../policy/compiled-policy.ts';
import { firstDuplicateKey, mayRepeatKey } from './duplicate-keys.ts';
import { inEventRange, isoTime, MAX_EVENT_TIME, MIN_EVENT_TIME } from './time.ts';

export interface MessageEvent extends MessageInput {
  type: 'message';
  /** The integration's id of the message, when given: violations it records derive their ids from it. */
  id?: string;
}

export interface JoinEvent {
  type: 'join';
  group: string;
  /** The id of the person who joined (customer or member). */
  member: string;
  at: number;
}

/** A reported violation of a member (or any subject a ladder counts). */
export interface ViolationEvent {
  type: 'violation';
  subject: string;
  category: string;
  /** `severe`: the seed's "bad influence", which takes a ladder's `severe` path. */
  severity: 'normal' | 'severe';
  /** The violation's id: the event's `id`, or derived from its content (replays are no-ops). */
  id: string;
  at: number;
}

/** The linked WeChat account of a subject was blocked or unblocked (penalty rule 2). */
export interface LinkedStatusEvent {
  type: 'linked.status';
  subject: string;
  status: 'blocked' | 'unblocked';
  /** The WeChat account, for the record. */
  account: string | null;
  at: number;
}

/** An appeal against a subject's sanction: one by id, or the newest active one (of a ladder). */
export interface AppealEvent {
  type: 'appeal';
  subject: string;
  sanction: string | null;
  ladder: string | null;
  id: string;
  at: number;
}

/** The enterprise's profile, which the contact-add quota depends on; rates are in [0, 1]. */
export interface EnterpriseProfile {
  complete?: boolean;
  compliant?: boolean;
  usage?: number;
  blocks?: number;
  deletions?: number;
  complaints?: number;
}

/** A member tries to add an external contact. */
export interface ContactAddEvent {
  type: 'contact.add';
  subject: string;
  contact: string;
  profile: EnterpriseProfile;
  at: number;
}

export type LadderEvent = ViolationEvent | LinkedStatusEvent | AppealEvent | ContactAddEvent;

export type ChatEvent = MessageEvent | JoinEvent | LadderEvent;

export interface EventErrorDetail {
  /** A stable code, `hush/event/<name>`. */
  code: string;
  /** The path of the bad field (`sender.id`, `links[2]`); empty for the event as a whole. */
  field: string;
  message: string;
}

export type EventParse = { ok: true; event: ChatEvent } | { ok: false; error: EventErrorDetail };

/** Longest text accepted in one message, in UTF-16 units (1 MiB of text is no chat message). */
export const MAX_TEXT_LENGTH = 1 << 20;
/** Most links, mini-programs, cards or identities one message may carry. */
export const MAX_ITEMS = 10_000;

/** Fields any event may carry and the engine ignores. */
const RESERVED = ['id', 'meta'];

class EventFault {
  constructor(readonly detail: EventErrorDetail) {}
}

const CODES = {
  'not-an-object': 'hush/event/not-an-object',
  'missing-field': 'hush/event/missing-field',
  'bad-type': 'hush/event/bad-type',
  'bad-value': 'hush/event/bad-value',
  'bad-time': 'hush/event/bad-time',
  'unknown-type': 'hush/event/unknown-type',
  'unknown-field': 'hush/event/unknown-field',
} as const;

function fail(code: keyof typeof CODES, field: string, message: string): never {
  throw new EventFault({ code: CODES[code], field, message });
}

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

function onlyFields(o: Obj, path: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k) && !(path === '' && RESERVED.includes(k))) {
      const field = path ? `${path}.${k}` : k;
      fail('unknown-field', field, `unknown field \`${field}\``);
    }
  }
}

function id(o: Obj, key: string, path: string, optional = false): string {
  const field = path ? `${path}.${key}` : key;
  const v = o[key];
  if (v === undefined || (optional && v === null)) {
    if (optional) return '';
    fail('missing-field', field, `\`${field}\` is missing`);
  }
  if (typeof v !== 'string') fail('bad-type', field, `\`${field}\` must be a string, not ${typeName(v)}`);
  if (v === '') fail('bad-value', field, `\`${field}\` is empty`);
  if (v.length > 1024) fail('bad-value', field, `\`${field}\` is longer than 1024 characters`);
  return v;
}

function stringList(o: Obj, key: string, path: string): string[] {
  const field = path ? `${path}.${key}` : key;
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail('bad-type', field, `\`${field}\` must be an array of strings, not ${typeName(v)}`);
  if (v.length > MAX_ITEMS) fail('bad-value', field, `\`${field}\` has more than ${MAX_ITEMS} entries`);
  v.forEach((x, i) => {
    if (typeof x !== 'string') fail('bad-type', `${field}[${i}]`, `\`${field}[${i}]\` must be a string, not ${typeName(x)}`);
  });
  return v as string[];
}

const OUT_OF_RANGE = (field: string) => `\`${field}\` is out of range: event times run from ${isoTime(MIN_EVENT_TIME)} to ${isoTime(MAX_EVENT_TIME)}`;

const ISO = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Reads an event time: an ISO 8601 / RFC 3339 date-time with a time zone (`Z` or `+08:00`), or
 * a whole number of epoch milliseconds. A time without a zone is refused: read as local time it
 * would give different decisions on machines in different zones.
 */
export function parseTime(v: unknown, field = 'at'): number {
  if (typeof v === 'string') {
    const t = quickIsoTime(v);
    if (t >= 0 && t <= MAX_EVENT_TIME) return t;
  }
  return fullTime(v, field);
}

/** `parseTime` without the quick reading of the common forms. */
function fullTime(v: unknown, field: string): number {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) fail('bad-time', field, `\`${field}\` must be whole epoch milliseconds, 0 or more`);
    if (!inEventRange(v)) fail('bad-time', field, OUT_OF_RANGE(field));
    return v;
  }
  if (typeof v !== 'string') fail('bad-time', field, `\`${field}\` must be an ISO 8601 date-time string, not ${typeName(v)}`);
  const m = ISO.exec(v);
  if (!m) fail('bad-time', field, `\`${field}\` is not an ISO 8601 date-time with a time zone, like 2026-11-23T10:00:00Z`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > days || h > 23 || mi > 59 || s > 59) {
    fail('bad-time', field, `\`${field}\` is not a real date and time`);
  }
  if (m[8].length === 6) {
    const oh = Number(m[8].slice(1, 3));
    const om = Number(m[8].slice(4, 6));
    if (oh > 23 || om > 59) fail('bad-time', field, `\`${field}\` has a bad time zone offset`);
  }
  const t = Date.parse(v.replace(' ', 'T'));
  if (!Number.isFinite(t) || !inEventRange(t)) fail('bad-time', field, OUT_OF_RANGE(field));
  return t;
}

const DIGIT_0 = 48;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Two decimal digits of `s` at `i`, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - DIGIT_0;
  const b = s.charCodeAt(i + 1) - DIGIT_0;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The common forms of an event time, read without a regular expression or an allocation:
 * `YYYY-MM-DDTHH:MM:SS`, optionally `.sss` (exactly three digits), then `Z` or `±HH:MM`, at or
 * after the epoch. Returns epoch milliseconds, the number `parseTime` gives, or -1 for anything
 * else (other forms, a date or time that does not exist, a time before the epoch), which
 * `parseTime`'s full reading then accepts or refuses with its error.
 */
export function quickIsoTime(s: string): number {
  const n = s.length;
  if (n < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return -1;
  const yHi = twoDigits(s, 0);
  const yLo = twoDigits(s, 2);
  const mo = twoDigits(s, 5);
  const d = twoDigits(s, 8);
  const h = twoDigits(s, 11);
  const mi = twoDigits(s, 14);
  const sec = twoDigits(s, 17);
  if (yHi < 19 || yLo < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return -1;
  const y = yHi * 100 + yLo;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1])) return -1;
  let z = 19;
  let ms = 0;
  if (s.charCodeAt(19) === 46) {
    const a = twoDigits(s, 20);
    const b = s.charCodeAt(22) - DIGIT_0;
    if (a < 0 || !(b >= 0 && b <= 9)) return -1;
    ms = a * 10 + b;
    z = 23;
  }
  let offset = 0;
  const c = s.charCodeAt(z);
  if (c === 90) {
    if (n !== z + 1) return -1;
  } else if (c === 43 || c === 45) {
    if (n !== z + 6 || s.charCodeAt(z + 3) !== 58) return -1;
    const oh = twoDigits(s, z + 1);
    const om = twoDigits(s, z + 4);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return -1;
    offset = (c === 43 ? 1 : -1) * (oh * 60 + om) * 60_000;
  } else return -1;
  // Days since 1970-01-01 of a proleptic Gregorian date (y ≥ 1900 here, so no negative eras).
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) + d - 1;
  const days = era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
  const t = days * 86_400_000 + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms - offset;
  return t >= 0 ? t : -1;
}

function time(o: Obj, clock: () => number): number {
  return o.at === undefined || o.at === null ? clock() : parseTime(o.at);
}

/** An optional list of strings as the common message has it (absent, or an array of strings), or null. */
function quickList(v: unknown): string[] | null {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > MAX_ITEMS) return null;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return null;
  return v as string[];
}

/** A required id (1 to 1024 characters) or an optional one (absent or null: ''), or null. */
function quickId(v: unknown, optional: boolean): string | null {
  if (typeof v === 'string') return v.length > 0 && v.length <= 1024 ? v : null;
  return optional && (v === undefined || v === null) ? '' : null;
}

/**
 * The common message, checked without allocating anything but the event: null when anything
 * is unusual or wrong (an unknown or missing field, a bad value, an image list, a time in
 * another form), and `readMessage` then decides with its exact error. It accepts only what
 * `readMessage` accepts and builds the same event.
 */
function quickMessage(o: Obj, clock: () => number): MessageEvent | null {
  // Every key `for…in` sees (own and inherited, enumerable) must be a message field.
  for (const k in o) {
    switch (k) {
      case 'type':
      case 'group':
      case 'owner':
      case 'sender':
      case 'text':
      case 'links':
      case 'miniprograms':
      case 'cards':
      case 'images':
      case 'at':
      case 'id':
      case 'meta':
        continue;
      default:
        return null;
    }
  }
  const group = quickId(o.group, false);
  const owner = quickId(o.owner, true);
  const s = o.sender;
  if (group === null || owner === null || typeof s !== 'object' || s === null || Array.isArray(s)) return null;
  for (const k in s) if (k !== 'id' && k !== 'kind' && k !== 'identities') return null;
  const sender = s as Obj;
  const senderId = quickId(sender.id, false);
  const kind = sender.kind;
  const identities = quickList(sender.identities);
  if (senderId === null || (kind !== 'customer' && kind !== 'member') || identities === null) return null;
  const text = o.text;
  if (typeof text !== 'string' || text.length > MAX_TEXT_LENGTH) return null;
  const im = o.images;
  let images = 0;
  if (typeof im === 'number') {
    if (!Number.isSafeInteger(im) || im < 0) return null;
    images = im;
  } else if (im !== undefined && im !== null) return null;
  const links = quickList(o.links);
  const miniprograms = quickList(o.miniprograms);
  const cards = quickList(o.cards);
  if (links === null || miniprograms === null || cards === null) return null;
  const a = o.at;
  let at: number;
  if (typeof a === 'string') {
    if ((at = quickIsoTime(a)) < 0 || at > MAX_EVENT_TIME) return null;
  } else if (typeof a === 'number') {
    if (!Number.isSafeInteger(a) || !inEventRange(a)) return null;
    at = a;
  } else if (a === undefined || a === null) at = clock();
  else return null;
  const msgId = o.id;
  return typeof msgId === 'string' && msgId !== ''
    ? { type: 'message', id: msgId, group, owner: owner || null, sender: { id: senderId, kind, identities }, text, links, miniprograms, cards, images, at }
    : { type: 'message', group, owner: owner || null, sender: { id: senderId, kind, identities }, text, links, miniprograms, cards, images, at };
}

function readMessage(o: Obj, clock: () => number): MessageEvent {
  onlyFields(o, '', ['type', 'group', 'owner', 'sender', 'text', 'links', 'miniprograms', 'cards', 'images', 'at']);
  const group = id(o, 'group', '');
  const owner = id(o, 'owner', '', true) || null;
  const s = o.sender;
  if (s === undefined) fail('missing-field', 'sender', '`sender` is missing');
  if (!isObject(s)) fail('bad-type', 'sender', `\`sender\` must be an object, not ${typeName(s)}`);
  onlyFields(s, 'sender', ['id', 'kind', 'identities']);
  const senderId = id(s, 'id', 'sender');
  const kind = s.kind;
  if (kind === undefined) fail('missing-field', 'sender.kind', '`sender.kind` is missing');
  if (kind !== 'customer' && kind !== 'member') {
    fail('bad-value', 'sender.kind', '`sender.kind` must be "customer" or "member"');
  }
  const identities = stringList(s, 'identities', 'sender');
  const text = o.text;
  if (text === undefined) fail('missing-field', 'text', '`text` is missing');
  if (typeof text !== 'string') fail('bad-type', 'text', `\`text\` must be a string, not ${typeName(text)}`);
  if (text.length > MAX_TEXT_LENGTH) fail('bad-value', 'text', `\`text\` is longer than ${MAX_TEXT_LENGTH} characters`);
  let images = 0;
  const im = o.images;
  if (typeof im === 'number') {
    if (!Number.isSafeInteger(im) || im < 0) fail('bad-value', 'images', '`images` must be a whole number, 0 or more');
    images = im;
  } else if (Array.isArray(im)) {
    images = stringList(o, 'images', '').length;
  } else if (im !== undefined && im !== null) {
    fail('bad-type', 'images', `\`images\` must be a count or an array of image ids, not ${typeName(im)}`);
  }
  const msgId = typeof o.id === 'string' && o.id !== '' ? o.id : undefined;
  return {
    type: 'message',
    ...(msgId !== undefined ? { id: msgId } : {}),
    group,
    owner,
    sender: { id: senderId, kind, identities },
    text,
    links: stringList(o, 'links', ''),
    miniprograms: stringList(o, 'miniprograms', ''),
    cards: stringList(o, 'cards', ''),
    images,
    at: time(o, clock),
  };
}

function readJoin(o: Obj, clock: () => number): JoinEvent {
  onlyFields(o, '', ['type', 'group', 'member', 'at']);
  return { type: 'join', group: id(o, 'group', ''), member: id(o, 'member', ''), at: time(o, clock) };
}

/** The event's own `id` when it gives one (a string), else `fallback`. */
function eventId(o: Obj, fallback: string): string {
  const v = o.id;
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string' && typeof v !== 'number') fail('bad-type', 'id', `\`id\` must be a string or a number, not ${typeName(v)}`);
  const s = String(v);
  if (s === '' || s.length > 1024) fail('bad-value', 'id', '`id` must have 1 to 1024 characters');
  return s;
}

function oneOf<T extends string>(o: Obj, key: string, values: readonly T[], fallback?: T): T {
  const v = o[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    fail('missing-field', key, `\`${key}\` is missing`);
  }
  if (typeof v !== 'string') fail('bad-type', key, `\`${key}\` must be a string, not ${typeName(v)}`);
  if (!(values as readonly string[]).includes(v)) fail('bad-value', key, `\`${key}\` must be ${values.map((x) => `"${x}"`).join(' or ')}`);
  return v as T;
}

function readViolation(o: Obj, clock: () => number): ViolationEvent {
  onlyFields(o, '', ['type', 'subject', 'category', 'severity', 'at']);
  const subject = id(o, 'subject', '');
  const category = id(o, 'category', '');
  const severity = oneOf(o, 'severity', ['normal', 'severe'] as const, 'normal');
  const at = time(o, clock);
  return { type: 'violation', subject, category, severity, id: eventId(o, `${category}@${isoTime(at)}${severity === 'severe' ? '!' : ''}`), at };
}

function readLinkedStatus(o: Obj, clock: () => number): LinkedStatusEvent {
  onlyFields(o, '', ['type', 'subject', 'status', 'account', 'at']);
  const subject = id(o, 'subject', '');
  const status = oneOf(o, 'status', ['blocked', 'unblocked'] as const);
  return { type: 'linked.status', subject, status, account: id(o, 'account', '', true) || null, at: time(o, clock) };
}

function readAppeal(o: Obj, clock: () => number): AppealEvent {
  onlyFields(o, '', ['type', 'subject', 'sanction', 'ladder', 'at']);
  const subject = id(o, 'subject', '');
  const sanction = id(o, 'sanction', '', true) || null;
  const ladder = id(o, 'ladder', '', true) || null;
  const at = time(o, clock);
  return { type: 'appeal', subject, sanction, ladder, id: eventId(o, `appeal@${isoTime(at)}:${sanction ?? ladder ?? ''}`), at };
}

const RATES = ['usage', 'blocks', 'deletions', 'complaints'] as const;

function readProfile(o: Obj): EnterpriseProfile {
  const p = o.profile;
  if (p === undefined || p === null) return {};
  if (!isObject(p)) fail('bad-type', 'profile', `\`profile\` must be an object, not ${typeName(p)}`);
  onlyFields(p, 'profile', ['complete', 'compliant', ...RATES]);
  const out: EnterpriseProfile = {};
  for (const k of ['complete', 'compliant'] as const) {
    const v = p[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'boolean') fail('bad-type', `profile.${k}`, `\`profile.${k}\` must be true or false, not ${typeName(v)}`);
    out[k] = v;
  }
  for (const k of RATES) {
    const v = p[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) fail('bad-type', `profile.${k}`, `\`profile.${k}\` must be a number, not ${typeName(v)}`);
    if (v < 0 || v > 1) fail('bad-value', `profile.${k}`, `\`profile.${k}\` is a rate: a number from 0 to 1 (0.02 for 2%)`);
    out[k] = v;
  }
  return out;
}

function readContactAdd(o: Obj, clock: () => number): ContactAddEvent {
  onlyFields(o, '', ['type', 'subject', 'contact', 'profile', 'at']);
  const subject = id(o, 'subject', '');
  const contact = id(o, 'contact', '');
  return { type: 'contact.add', subject, contact, profile: readProfile(o), at: time(o, clock) };
}

/** One reader per event type. */
const READERS: Record<string, (o: Obj, clock: () => number) => ChatEvent> = {
  message: readMessage,
  join: readJoin,
  violation: readViolation,
  'linked.status': readLinkedStatus,
  appeal: readAppeal,
  'contact.add': readContactAdd,
};

export const EVENT_TYPES: readonly string[] = Object.keys(READERS);

/** Validates a parsed JSON value as an event. `clock` gives the time of an event without `at`. */
export function parseEvent(value: unknown, clock: () => number = Date.now): EventParse {
  return readEvent(value, clock, true);
}

/**
 * The readings without their fast paths (`quickMessage`, `quickIsoTime`): the tests hold the
 * fast paths to them, event for event and error for error.
 */
export const fullReadings = {
  parseEvent: (value: unknown, clock: () => number = Date.now): EventParse => readEvent(value, clock, false),
  parseTime: (v: unknown, field = 'at'): number => fullTime(v, field),
};

function readEvent(value: unknown, clock: () => number, quick: boolean): EventParse {
  try {
    if (!isObject(value)) fail('not-an-object', '', `an event must be a JSON object, not ${typeName(value)}`);
    const t = value.type;
    if (t === undefined) fail('missing-field', 'type', '`type` is missing');
    if (typeof t !== 'string') fail('bad-type', 'type', `\`type\` must be a string, not ${typeName(t)}`);
    if (quick && t === 'message') {
      const quick = quickMessage(value, clock);
      if (quick !== null) return { ok: true, event: quick };
    }
    const read = Object.hasOwn(READERS, t) ? READERS[t] : undefined;
    if (!read) fail('unknown-type', 'type', `unknown event type \`${t}\` (known: ${EVENT_TYPES.join(', ')})`);
    return { ok: true, event: read(value, clock) };
  } catch (e) {
    if (e instanceof EventFault) return { ok: false, error: e.detail };
    throw e;
  }
}

/** Parses one line of a JSONL stream and validates it. */
export function parseEventLine(line: string, clock: () => number = Date.now): EventParse {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    // The parser's own message differs between Node versions; the code and this text do not.
    return { ok: false, error: { code: 'hush/event/bad-json', field: '', message: 'the line is not valid JSON' } };
  }
  const repeated = mayRepeatKey(line, value) ? firstDuplicateKey(line) : null;
  if (repeated !== null) {
    return { ok: false, error: { code: 'hush/event/duplicate-key', field: '', message: `the key ${JSON.stringify(repeated)} appears twice in one object; an event must not repeat a key` } };
  }
  return parseEvent(value, clock);
}
