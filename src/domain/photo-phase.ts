/**
 * Which side of the fix a photo shows, from the words people send with it (issue 10 item 5): 整改后/整改完成/
 * 已整改 mark an after-photo, 整改前/现场/问题 a before-photo. "问题已整改" is after: the after words win over the
 * loose before words, and only 整改前 vs 整改后 in one message is decided by which comes first.
 */
export type PhotoPhase = "before" | "after";

const AFTER = /整改后|整改完成|整改完毕|已整改|已完成整改/;
const BEFORE_STRICT = /整改前/;
const BEFORE_LOOSE = /现场|问题/;

export function phaseFromText(text: string | undefined): PhotoPhase | undefined {
  if (!text) return undefined;
  const a = AFTER.exec(text);
  const b = BEFORE_STRICT.exec(text);
  if (a && b) return b.index < a.index ? "before" : "after";
  if (a) return "after";
  if (b || BEFORE_LOOSE.test(text)) return "before";
  return undefined;
}
