/**
 * The 交办 reply names earlier cases the new complaint may repeat (issue 13): "疑似重复：#57 金牛大道某烧烤店油烟
 * （已办结 11月12日，荷花池街道）" for the strongest 1–3, with the two answers (并案 / 不是重复). Composed here,
 * after the use case, so that 交办 itself stays one thing; a failing lookup never blocks the 交办.
 */
import type { HandlerCtx, Outcome } from "../handlers/context.js";
import { findSimilar, type SimilarCase } from "../db/similar-cases.js";
import { similarLine } from "../domain/repeat-match.js";
import { caseLink, concat, line, muted, quote, warn } from "../domain/message.js";

export type SimilarOf = { content: string; address?: string; area?: string };

/** The outcome with the 疑似重复 block appended when earlier cases match. `{{caseId}}` is the new case's number. */
export async function withSimilar(ctx: HandlerCtx, of: SimilarOf, out: Outcome): Promise<Outcome> {
  let found: SimilarCase[];
  try {
    found = await findSimilar(ctx.deps.db, of);
  } catch (e) {
    ctx.deps.log.warn("similar.lookup_failed", { error: e instanceof Error ? e.name : "unknown" });
    return out;
  }
  if (!found.length) return out;
  const tz = ctx.deps.config.timezone;
  const first = found[0].id;
  const units = await ctx.units();
  const unitOf = (id: number | null) => units.find((u) => u.id === id)?.name;
  return {
    ...out,
    reply: concat(
      out.reply,
      ...found.map((s) => ({ blocks: [line(warn("疑似重复："), caseLink(s.id, similarLine(s, tz, unitOf(s.leadUnitId))), muted(s.reasons.length ? `（${s.reasons.join("；")}）` : ""))] })),
      { blocks: [quote(`如属同一问题：并案 #{{caseId}} 到 #${first}；如不是：不是重复 #{{caseId}}`)] },
    ),
  };
}
