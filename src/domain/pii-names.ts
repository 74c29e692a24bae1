/**
 * Complainants' names in free text (R39). A name is only recognised where the text says one stands — after a
 * marker (举报人李四, 来电人：王小明, 群众张某某反映), before an honorific (李四先生), or glued to a phone number
 * (李四138…) — and only when it starts with a common surname, so ordinary words next to a marker stay readable.
 * The surname is kept and each given-name character becomes "*" (李*, 王**).
 *
 * "李先生 / 王女士" is left as written: it is how an office already refers to a complainant without naming them
 * (surname only), and masking it would make the case text harder to read for no privacy gain.
 */

/** Common single-character surnames. Words that are mostly function words (和, 于, 应, 全, 明, 时, 成) are left out. */
const SURNAMES = new Set(
  Array.from(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝游辛靳管柴蒙鲍华喻祁蒲滕屈饶牟艾尤阳穆农卓吉缪简项麦褚娄窦戚岑景党宫费卜冷晏席卫柏宗瞿桂佟臧闵苟邬卞姬仇栾隋刁荣巫寇桑郎甄丛仲虞敖巩佘查苑迟邝",
  ),
);
const COMPOUND = ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "长孙", "宇文", "司徒", "端木", "呼延", "澹台"];

/** Characters that end a name: verbs and particles that follow one (反映, 称, 等, 电话…). 某 is a given name here. */
const NOT_GIVEN = new Set(Array.from("人式话码机号系线信址称说反投举来及等和与在于的了是为电拨打多次向到去对被让家住也都又将已曾因从自现前今昨近称诉求要"));
const HONORIFIC = /^(先生|女士|同志|师傅|阿姨|大爷|大妈|老师|老人)/;
const MARKER = /(举报人|投诉人|来电人|来信人|联系人|反映人|信访人|当事人|群众)[：:\s]{0,3}/g;
const HAN = /^[\u4e00-\u9fff]$/;

export type NameSpan = { start: number; end: number; surnameLen: number };

export function surnameAt(s: string, i: number): number {
  if (COMPOUND.some((c) => s.startsWith(c, i))) return 2;
  return SURNAMES.has(s.charAt(i)) ? 1 : 0;
}

const givenChar = (ch: string) => HAN.test(ch) && !NOT_GIVEN.has(ch);

/** A name starting at i (surname + 1–2 given characters, not running into an honorific or a stop word). */
export function nameAt(s: string, i: number): NameSpan | undefined {
  const sl = surnameAt(s, i);
  if (!sl) return undefined;
  let end = i + sl;
  while (end - i - sl < 2 && givenChar(s.charAt(end)) && !HONORIFIC.test(s.slice(end))) end++;
  return end > i + sl ? { start: i, end, surnameLen: sl } : undefined;
}

/** A name that ends exactly at `end`: three characters when they start with a surname, else two. */
export function nameEndingAt(s: string, end: number): NameSpan | undefined {
  for (const len of [3, 2]) {
    const start = end - len;
    if (start < 0) continue;
    const sl = surnameAt(s, start);
    if (!sl || start + sl >= end) continue;
    if (Array.from(s.slice(start + sl, end)).every(givenChar)) return { start, end, surnameLen: sl };
  }
  return undefined;
}

/** Names after a marker and before an honorific. Names next to phone numbers are found by the caller. */
export function findNames(s: string): NameSpan[] {
  const out: NameSpan[] = [];
  for (const m of s.matchAll(MARKER)) {
    const n = nameAt(s, m.index + m[0].length);
    if (n) out.push(n);
  }
  for (const m of s.matchAll(/先生|女士|同志|师傅/g)) {
    const n = nameEndingAt(s, m.index);
    if (n) out.push(n);
  }
  return out;
}

export const maskName = (s: string, n: NameSpan) => s.slice(n.start, n.start + n.surnameLen) + "*".repeat(n.end - n.start - n.surnameLen);
