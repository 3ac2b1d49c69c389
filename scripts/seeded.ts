// Seeded randomness for the data generators. Everything generated from a seed is a pure function
// of that seed, so a fixture or a benchmark set can be rebuilt byte for byte on any machine.

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

/** An integer in [0, n). */
export function int(rand: Random, n: number): number {
  return Math.floor(rand() * n);
}

export function pick<T>(rand: Random, xs: readonly T[]): T {
  return xs[int(rand, xs.length)];
}

/** The id space of `IdSpace`: eight base-36 digits. */
const SPACE = 36 ** 8;

/**
 * Random-looking ids that never collide: the i-th id is `prefix` followed by (i·a + b) mod 36⁸
 * in eight base-36 digits. With `a` coprime to 36 the map is a bijection on [0, 36⁸), so distinct
 * indices give distinct ids, and lists drawn from disjoint index ranges are disjoint. The
 * arithmetic stays exact in doubles for indices below 2²².
 */
export class IdSpace {
  private readonly a: number;
  private readonly b: number;

  constructor(
    private readonly prefix: string,
    rand: Random,
  ) {
    let a = 1 + int(rand, 2 ** 30);
    while (a % 2 === 0 || a % 3 === 0) a++;
    this.a = a;
    this.b = int(rand, SPACE);
  }

  id(i: number): string {
    if (!Number.isInteger(i) || i < 0 || i >= 2 ** 22) throw new RangeError(`id index ${i} out of range`);
    const n = (i * this.a + this.b) % SPACE;
    // Reversing the digits (also a bijection) puts the fast-changing digit first, so
    // consecutive ids do not share a prefix.
    return this.prefix + [...n.toString(36).padStart(8, '0')].reverse().join('');
  }

  /** The ids of indices [from, from + count), one per line, with a final newline. */
  lines(from: number, count: number): string {
    const out: string[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = this.id(from + i);
    return count ? out.join('\n') + '\n' : '';
  }
}

/** Common Chinese characters for keywords; fixed-length keywords drawn from them never contain each other. */
export const CJK =
  '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严';
