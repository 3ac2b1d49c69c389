// Who sent an archive record, and who owns its group: what WeCom's chat-archive records do not
// say outright. A sender's kind comes from the shape of its id (external user ids, `wm…` and
// `wo…`, are customers; anything else is one of the enterprise's members) unless an override
// list names it; a group's owner comes only from an owners list (spec/wecom.md §1).
//
// Both lists are plain text, one entry a line, `#` starting a comment:
//   senders: `<id> customer|member [identity …]`   owners: `<roomid> <owner userid>`
// A bad line is a problem with its 1-based line and column, never an exception; the CLI renders
// problems as diagnostics with the code `hush/wecom/bad-list-file`.

export type SenderKind = 'customer' | 'member';

export interface SenderOverride {
  kind: SenderKind;
  identities: string[];
}

/** What the mapping needs beyond the record itself. */
export interface ArchiveOptions {
  /** Sender ids whose kind (and identities) the id's shape must not decide. */
  senders?: ReadonlyMap<string, SenderOverride>;
  /** The owner (a member's userid) of each group, by `roomid`. */
  owners?: ReadonlyMap<string, string>;
}

/**
 * The kind of a sender by the shape of its id: WeCom's external user ids of customers start with
 * `wm` or `wo` (the ids in document 91774's examples and in the SDKs' tests); member userids are
 * chosen by the enterprise. The document does not promise the prefixes, hence the override list.
 */
export function kindByIdShape(id: string): SenderKind {
  return id.startsWith('wm') || id.startsWith('wo') ? 'customer' : 'member';
}

export interface ListProblem {
  /** 1-based line and column of the bad word. */
  line: number;
  column: number;
  /** The word's length in UTF-16 units (at least 1), for the diagnostic's range. */
  length: number;
  message: string;
}

export type ListParse<T> = { entries: Map<string, T>; problems: ListProblem[] };

/** Longest id accepted in a list (an event's id limit). */
const MAX_ID = 1024;

interface Word {
  text: string;
  column: number;
}

/** The words of each line that is not blank or a comment, with their lines and columns. */
function* wordsOfLines(text: string): Generator<{ line: number; words: Word[] }> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i];
    if (l.endsWith('\r')) l = l.slice(0, -1);
    const hash = l.indexOf('#');
    if (hash >= 0) l = l.slice(0, hash);
    const words: Word[] = [];
    for (const m of l.matchAll(/\S+/g)) words.push({ text: m[0], column: (m.index ?? 0) + 1 });
    if (words.length > 0) yield { line: i + 1, words };
  }
}

function problem(line: number, w: Word | null, message: string, lineText = 1): ListProblem {
  return { line, column: w ? w.column : lineText, length: w ? Math.max(1, w.text.length) : 1, message };
}

function tooLong(line: number, w: Word, problems: ListProblem[]): boolean {
  if (w.text.length <= MAX_ID) return false;
  problems.push(problem(line, w, `an id is at most ${MAX_ID} characters`));
  return true;
}

/** Reads a senders list: `<id> customer|member [identity …]` per line. */
export function parseSendersList(text: string): ListParse<SenderOverride> {
  const entries = new Map<string, SenderOverride>();
  const problems: ListProblem[] = [];
  for (const { line, words } of wordsOfLines(text)) {
    const [id, kind, ...identities] = words;
    if (tooLong(line, id, problems)) continue;
    if (!kind) {
      problems.push(problem(line, id, `\`${id.text}\` has no kind: write \`${id.text} customer\` or \`${id.text} member\``));
      continue;
    }
    if (kind.text !== 'customer' && kind.text !== 'member') {
      problems.push(problem(line, kind, `the kind must be \`customer\` or \`member\`, not \`${kind.text}\``));
      continue;
    }
    const bad = identities.find((w) => w.text.length > MAX_ID);
    if (bad) {
      tooLong(line, bad, problems);
      continue;
    }
    if (entries.has(id.text)) {
      problems.push(problem(line, id, `\`${id.text}\` is listed twice`));
      continue;
    }
    entries.set(id.text, { kind: kind.text, identities: identities.map((w) => w.text) });
  }
  return { entries, problems };
}

/** Reads an owners list: `<roomid> <owner userid>` per line. */
export function parseOwnersList(text: string): ListParse<string> {
  const entries = new Map<string, string>();
  const problems: ListProblem[] = [];
  for (const { line, words } of wordsOfLines(text)) {
    const [room, owner, extra] = words;
    if (tooLong(line, room, problems)) continue;
    if (!owner) {
      problems.push(problem(line, room, `\`${room.text}\` has no owner: write \`${room.text} <owner userid>\``));
      continue;
    }
    if (tooLong(line, owner, problems)) continue;
    if (extra) {
      problems.push(problem(line, extra, 'a line holds one group and its owner, nothing more'));
      continue;
    }
    if (entries.has(room.text)) {
      problems.push(problem(line, room, `\`${room.text}\` is listed twice`));
      continue;
    }
    entries.set(room.text, owner.text);
  }
  return { entries, problems };
}
