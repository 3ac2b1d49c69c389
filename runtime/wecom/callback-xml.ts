// WeCom's callback XML (the POST envelope and the decrypted message, documents 90930 and 92130)
// read as hostile input with fast-xml-parser: one `<xml>` root whose children are the fields.
// Refused before parsing: a text over the size cap, any markup declaration (`<!DOCTYPE`,
// `<!ENTITY`, …: WeCom sends none, so no DTD and no entity is ever defined), a processing
// instruction other than the XML declaration. Entity references are not expanded (WeCom writes
// its strings in CDATA sections, read as they are). Refused after: XML that is not well formed, a
// root that is not one `<xml>`, a field given twice (readers disagree on which one counts, as with
// a JSON key given twice), more elements than the cap.
//
// A field is a leaf element (its text, CDATA included, surrounding white space of plain text
// trimmed); a field whose children are all `<Item>` is a list (MemChangeList); any other nested
// field is kept as present but unread (WeCom's enumerations and fields are open: what Hush does
// not know is not refused).
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface CallbackXml {
  /** Leaf fields by element name. */
  fields: Map<string, string>;
  /** List fields (children all `<Item>`), e.g. MemChangeList. */
  lists: Map<string, string[]>;
  /** Nested fields of another shape: present, not read. */
  nested: Set<string>;
}

export type XmlRead = { ok: true; xml: CallbackXml } | { ok: false; message: string };

/** The most elements one callback may hold (a MemChangeList item each): far above a group's size. */
export const MAX_XML_ELEMENTS = 20_000;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Every element an array, so that a repeated field shows as two values.
  isArray: () => true,
});

/** Reads one callback XML text of at most `maxBytes` UTF-8 bytes. Never throws. */
export function readCallbackXml(text: string, maxBytes: number): XmlRead {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) return { ok: false, message: `the XML is longer than ${maxBytes} bytes` };
  // `<!` starts a CDATA section or a comment, or a markup declaration (DOCTYPE, ENTITY, ELEMENT,
  // ATTLIST, NOTATION): the last are refused whole.
  if (/<!(?!\[CDATA\[|--)/.test(text)) return { ok: false, message: 'the XML has a markup declaration (DOCTYPE or ENTITY); WeCom sends none' };
  // A processing instruction other than the declaration at the very start.
  if (/<\?(?!xml[\s?])/i.test(text) || /.<\?xml[\s?]/is.test(text.trimStart())) return { ok: false, message: 'the XML has a processing instruction' };
  let elements = 0;
  for (let i = text.indexOf('<'); i >= 0; i = text.indexOf('<', i + 1)) {
    if (++elements > MAX_XML_ELEMENTS * 2 + 2) return { ok: false, message: `the XML has more than ${MAX_XML_ELEMENTS} elements` };
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { ok: false, message: `the XML is not well formed (line ${valid.err.line}: ${valid.err.msg})` };
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text) as Record<string, unknown>;
  } catch {
    return { ok: false, message: 'the XML could not be read' };
  }
  const roots = Object.keys(doc);
  const root = doc.xml;
  if (roots.length !== 1 || !Array.isArray(root) || root.length !== 1) return { ok: false, message: 'the XML must have one root element, <xml>' };
  const body = root[0];
  const xml: CallbackXml = { fields: new Map(), lists: new Map(), nested: new Set() };
  if (typeof body === 'string') return { ok: true, xml };
  for (const [name, values] of Object.entries(body as Record<string, unknown>)) {
    if (name === '#text') continue;
    const vs = values as unknown[];
    if (vs.length !== 1) return { ok: false, message: `<${name}> is given ${vs.length} times` };
    const v = vs[0];
    if (typeof v === 'string') {
      xml.fields.set(name, v);
      continue;
    }
    const children = v as Record<string, unknown>;
    const keys = Object.keys(children).filter((k) => k !== '#text');
    const items = children.Item;
    if (keys.length === 1 && Array.isArray(items) && items.every((x) => typeof x === 'string')) xml.lists.set(name, items as string[]);
    else xml.nested.add(name);
  }
  return { ok: true, xml };
}
