// JSON.parse keeps the last of two equal keys, so `{"type":"message","type":"join"}` would be
// read as whichever comes last while another reader of the same line (a log shipper, a
// platform's own validator) reads the first. An event line with a repeated key is refused
// instead: this finds the first repeated key of any object in a line, in one pass, without
// building anything but one set of keys per open object.

/** The first key repeated within one object of `json` (any depth), or null. */
export function firstDuplicateKey(json: string): string | null {
  // One list of keys per open object (null for an array); objects have a handful of keys, so a
  // linear search beats a Set. Strings are skipped with indexOf, not a character at a time.
  const stack: (string[] | null)[] = [];
  const n = json.length;
  let i = 0;
  // The next backslash at or after `i` (n when none): a string holds an escape when it stands
  // inside it. Found once per backslash, so the scan stays linear.
  let bs = json.indexOf('\\');
  if (bs < 0) bs = n;
  while (i < n) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      let end = json.indexOf('"', i + 1);
      let escaped = false;
      while (end > 0 && isEscaped(json, end)) {
        escaped = true;
        end = json.indexOf('"', end + 1);
      }
      if (end < 0) return null; // not valid JSON: JSON.parse reports it
      if (bs < end) escaped = true;
      i = end + 1;
      if (bs < i) {
        bs = json.indexOf('\\', i);
        if (bs < 0) bs = n;
      }
      const top = stack.length > 0 ? stack[stack.length - 1] : null;
      if (top === null) continue;
      // A string in an object is a key when a colon follows it.
      let j = i;
      while (j < n && isSpace(json.charCodeAt(j))) j++;
      if (json.charCodeAt(j) !== 0x3a /* : */) continue;
      let key = json.slice(start + 1, end);
      if (escaped) {
        try {
          key = JSON.parse(json.slice(start, end + 1)) as string;
        } catch {
          return null;
        }
      }
      if (top.includes(key)) return key;
      top.push(key);
      continue;
    }
    if (c === 0x7b /* { */) stack.push([]);
    else if (c === 0x5b /* [ */) stack.push(null);
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop();
    i++;
  }
  return null;
}

/**
 * False when `json`, which JSON.parse read as `parsed`, repeats no key within an object; true
 * when it may (then `firstDuplicateKey` says which key, or that none does). JSON.parse keeps one
 * property per distinct key, so a text repeats a key exactly when it has more keys than its
 * parsed objects. A key ends with an unescaped quote, JSON whitespace and a colon; the text's
 * count of such colons is at least its number of keys (a string value may hold one too:
 * `":"`, which only makes this answer "may"), so equal counts prove that no key repeats. About
 * half the time of `firstDuplicateKey` on an event line, which builds a list of keys per object.
 */
export function mayRepeatKey(json: string, parsed: unknown): boolean {
  let textKeys = 0;
  for (let i = json.indexOf(':'); i >= 0; i = json.indexOf(':', i + 1)) {
    let j = i - 1;
    while (j >= 0 && isSpace(json.charCodeAt(j))) j--;
    if (j >= 0 && json.charCodeAt(j) === 0x22 /* " */ && !isEscaped(json, j)) textKeys++;
  }
  if (textKeys === 0) return false;
  // The parsed objects' own keys, without recursion (a hostile line may nest deeply).
  let parsedKeys = 0;
  const stack: unknown[] = [parsed];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (let k = 0; k < v.length; k++) {
        const x: unknown = v[k];
        if (typeof x === 'object' && x !== null) stack.push(x);
      }
    } else if (typeof v === 'object' && v !== null) {
      for (const k in v) {
        parsedKeys++;
        const x: unknown = (v as Record<string, unknown>)[k];
        if (typeof x === 'object' && x !== null) stack.push(x);
      }
    }
  }
  return textKeys !== parsedKeys;
}

/** Whether the quote at `at` is escaped: an odd number of backslashes stands before it. */
function isEscaped(s: string, at: number): boolean {
  let k = at - 1;
  while (s.charCodeAt(k) === 0x5c) k--;
  return (at - 1 - k) % 2 === 1;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
