// readCallbackXml: WeCom's documented samples read field by field, and hostile XML refused with a
// message (never thrown): DTDs and entities, processing instructions, repeated fields, several
// roots, malformed text, over-long text, prototype-polluting names.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCallbackXml } from './callback-xml.ts';

const CAP = 64 * 1024;

// Document 92130 / 96361 (客户群变更事件), the example as reproduced by SDKs (MemChangeList with Items).
const CHANGE_CHAT = `<xml>
  <ToUserName><![CDATA[toUser]]></ToUserName>
  <FromUserName><![CDATA[sys]]></FromUserName>
  <CreateTime>1403610513</CreateTime>
  <MsgType><![CDATA[event]]></MsgType>
  <Event><![CDATA[change_external_chat]]></Event>
  <ChatId><![CDATA[CHAT_ID]]></ChatId>
  <ChangeType><![CDATA[update]]></ChangeType>
  <UpdateDetail><![CDATA[add_member]]></UpdateDetail>
  <JoinScene>1</JoinScene>
  <QuitScene>0</QuitScene>
  <MemChangeCnt>10</MemChangeCnt>
  <MemChangeList><Item>Jack</Item><Item>Rose</Item></MemChangeList>
  <LastMemVer>9c3f97c2ada667dfb5f6d03308d963e1</LastMemVer>
  <CurMemVer>71217227bbd112ecfe3a49c482195cb4</CurMemVer>
</xml>`;

describe('readCallbackXml', () => {
  it('reads the fields and the item list of a documented event', () => {
    const r = readCallbackXml(CHANGE_CHAT, CAP);
    if (!r.ok) throw new Error(r.message);
    expect(Object.fromEntries(r.xml.fields)).toEqual({
      ToUserName: 'toUser',
      FromUserName: 'sys',
      CreateTime: '1403610513',
      MsgType: 'event',
      Event: 'change_external_chat',
      ChatId: 'CHAT_ID',
      ChangeType: 'update',
      UpdateDetail: 'add_member',
      JoinScene: '1',
      QuitScene: '0',
      MemChangeCnt: '10',
      LastMemVer: '9c3f97c2ada667dfb5f6d03308d963e1',
      CurMemVer: '71217227bbd112ecfe3a49c482195cb4',
    });
    expect(r.xml.lists.get('MemChangeList')).toEqual(['Jack', 'Rose']);
  });

  it('keeps CDATA as it is and reads the XML declaration and empty fields', () => {
    const r = readCallbackXml('<?xml version="1.0" encoding="UTF-8"?><xml><A><![CDATA[ a <b> & c ]]></A><B></B><C/><D>&amp;</D></xml>', CAP);
    if (!r.ok) throw new Error(r.message);
    expect(Object.fromEntries(r.xml.fields)).toEqual({ A: ' a <b> & c ', B: '', C: '', D: '&amp;' });
  });

  it('keeps a nested field of an unknown shape as present, unread', () => {
    const r = readCallbackXml('<xml><A>1</A><Info><X>1</X><Y>2</Y></Info></xml>', CAP);
    if (!r.ok) throw new Error(r.message);
    expect([...r.xml.nested]).toEqual(['Info']);
  });

  it.each([
    ['a DOCTYPE', '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY e "x">]><xml><A>&e;</A></xml>', /markup declaration/],
    ['an entity declaration alone', '<!ENTITY a "b"><xml/>', /markup declaration/],
    ['a billion laughs', `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><xml><A>&lol2;</A></xml>`, /markup declaration/],
    ['a processing instruction', '<xml><?php echo 1 ?><A>1</A></xml>', /processing instruction/],
    ['a second declaration', '<xml><A>1</A></xml><?xml version="1.0"?>', /processing instruction/],
    ['a repeated field', '<xml><ChatId>a</ChatId><ChatId>b</ChatId></xml>', /given 2 times/],
    ['two roots', '<xml><A>1</A></xml><xml><A>2</A></xml>', /one root|not well formed/],
    ['two different roots', '<xml><A>1</A></xml><other/>', /one root|not well formed/],
    ['another root', '<root><A>1</A></root>', /one root/],
    ['an unclosed element', '<xml><A>1</xml>', /not well formed/],
    ['text that is not XML', 'hello', /not well formed|one root/],
    ['an empty text', '', /not well formed|one root/],
    ['a prototype name', '<xml><__proto__>x</__proto__></xml>', /could not be read/],
  ])('refuses %s', (_what, text, message) => {
    const r = readCallbackXml(text, CAP);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it('refuses a text over the cap before reading it', () => {
    const r = readCallbackXml(`<xml><A>${'x'.repeat(100)}</A></xml>`, 50);
    expect(r).toEqual({ ok: false, message: 'the XML is longer than 50 bytes' });
  });

  it('refuses too many elements', () => {
    const r = readCallbackXml(`<xml><L>${'<Item>a</Item>'.repeat(30_000)}</L></xml>`, 10 * 1024 * 1024);
    expect(r.ok).toBe(false);
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.stringMatching(/^<xml>(<[A-Za-z_]{1,5}>[^<&]{0,5}<\/[A-Za-z_]{1,5}>){0,5}<\/xml>$/)), (t) => {
        const r = readCallbackXml(t, CAP);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
