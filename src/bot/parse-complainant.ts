/**
 * The complainant part of 交办 (`来电人 李四 13812345678`, `来电人：李四，电话13812345678`, `联系人 王女士
 * 028-87654321`): a name and a phone number, split from any complaint text that follows (R40: kept out of the title).
 */
import { findPii } from "../domain/pii.js";
import { nameAt } from "../domain/pii-names.js";

const PHONE_LABEL = /(?:联系电话|联系方式|手机号码|手机号|手机|电话号码|电话|座机|tel)[:：\s]*$/i;
const EDGE = /^[\s,;:。、()]+|[\s,;:。、()]+$/g;

/** Name and phone (as written) of the complainant, and the rest of the text; undefined when there is neither. */
export function splitComplainant(value: string): { who: string; rest: string } | undefined {
  const phone = findPii(value).find((p) => (p.kind === "mobile" || p.kind === "landline") && p.start <= 16);
  const start = phone && (value[phone.start - 1] === "+" ? phone.start - 1 : phone.start);
  const name = phone && value.slice(0, start).replace(PHONE_LABEL, "").replace(EDGE, "");
  if (phone && start !== undefined && name !== undefined && Array.from(name).length <= 8) {
    const who = [name, value.slice(start, phone.end)].filter(Boolean).join(" ");
    return { who, rest: value.slice(phone.end).replace(EDGE, "") };
  }
  // No phone: a name the name rule knows (李四, 王小明), 王女士, or 匿名; anything else is not a complainant part.
  const end = nameAt(value, 0)?.end ?? /^(?:[\u4e00-\u9fff]{1,2}?(?:先生|女士)|匿名)/.exec(value)?.[0].length;
  if (!end) return undefined;
  return { who: value.slice(0, end), rest: value.slice(end).replace(EDGE, "") };
}
