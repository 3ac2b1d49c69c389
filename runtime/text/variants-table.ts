// The curated table of the `variants` normalisation step (spec/language.md §10): words that
// spammers in Chinese group chats spell another way to get past keyword filters, each with the
// spellings seen for it. A keyword a rule with `variants` lists is matched in every spelling the
// table gives for the words in it (runtime/text/variants.ts).
//
// How the table is made (keep to it when adding a line):
//   - A word is here only when chat spam is known to spell it another way; the spellings are the
//     ones seen in that spam: homophone or look-alike characters (威信, 薇信, 徽信 for 微信),
//     pinyin and its initials (jia for 加, vx and wx for 微信), symbols read aloud (+ for 加).
//   - No spelling is itself a common word of ordinary text. 威信 ("prestige") is the exception the
//     issue asks for; the false-positive figure in spec/language.md §10 counts what it costs.
//   - Latin spellings (after the rule's other steps) match whole words only, so `vx` is found in
//     `加vx` and `+vx` but never inside an English word.
//   - The first spellings of a word are the commonest: when a keyword has more spellings than
//     MAX_SPELLINGS (variants.ts), the ones made of the first spellings are kept.

/** Each word, then its other spellings, commonest first. */
export const VARIANTS_TABLE: readonly (readonly [word: string, spellings: readonly string[]])[] = [
  // WeChat: homophones and look-alikes of 微 and 信, its pinyin, its initials, V and W for 微.
  ['微信', ['vx', 'V信', '威信', '薇信', '徽信', 'wx', 'W信', '维信', '微芯', '薇芯', 'weixin', 'wechat', '微x', 'v芯']],
  ['微', ['V', '薇', '威', '徽', 'W', 'wei']],
  // "add": the plus sign read aloud, its pinyin, look-alike characters.
  ['加', ['+', 'jia', '伽', '珈', '嘉']],
  // QQ: "kou kou", "penguin" (its mascot).
  ['qq', ['扣扣', '抠抠', '企鹅', 'kk']],
  // Telephone and mobile phone.
  ['电话', ['电hua', '店话', 'dianhua']],
  ['手机', ['手ji', '收机', 'shouji']],
  // "Private chat", "contact".
  ['私聊', ['私撩', '丝聊', '私l', 'siliao']],
  ['联系', ['联xi', '连系', '链系', 'lianxi']],
  // QR code: its pinyin initials and 维 written V.
  ['二维码', ['二v码', '2维码', 'ewm', '二wei码']],
  // Group (a chat group): the homophone 裙 ("skirt") and pinyin.
  ['群', ['裙', 'qun']],
  // Part-time job, rebates, order brushing, loans, invoices, gambling: common spam topics.
  ['兼职', ['兼zhi', '监职', 'jianzhi']],
  ['返利', ['反利', '返li', 'fanli']],
  ['刷单', ['刷dan', '唰单', 'shuadan']],
  ['贷款', ['带款', '代款', 'daikuan']],
  ['发票', ['发piao', '发漂', 'fapiao']],
  ['赌博', ['堵博', '赌bo', 'dubo']],
];
