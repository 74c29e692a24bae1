/**
 * The 交办 reply names earlier cases the new complaint may repeat (issue 13): "疑似重复：#57 金牛大道某烧烤店油烟
 * （已办结 11月12日，荷花池街道）" for the strongest 1–3, with the two answers (并案 / 不是重复). The lookup is the
 * intakes' shared one (src/handlers/similar-intake.ts); this module only renders it for chat, after the use case,
 * so that 交办 itself stays one thing and a failing lookup never blocks it.
 */
import type { HandlerCtx, Outcome } from "../handlers/context.js";
import { similarAtIntake } from "../handlers/similar-intake.js";
import { similarLine } from "../domain/repeat-match.js";
import { caseLink, concat, line, muted, quote, warn } from "../domain/message.js";

export type SimilarOf = { content: string; address?: string; area?: string };

/** The outcome with the 疑似重复 block appended when earlier cases match. `{{caseId}}` is the new case's number. */
export async function withSimilar(ctx: HandlerCtx, of: SimilarOf, out: Outcome): Promise<Outcome> {
  const found = await similarAtIntake(ctx, of);
  if (!found.length) return out;
  const tz = ctx.deps.config.timezone;
  const first = found[0].id;
  return {
    ...out,
    reply: concat(
      out.reply,
      ...found.map((s) => ({ blocks: [line(warn("疑似重复："), caseLink(s.id, similarLine(s, tz, s.unit ?? undefined)), muted(s.reasons.length ? `（${s.reasons.join("；")}）` : ""))] })),
      { blocks: [quote(`如属同一问题：并案 #{{caseId}} 到 #${first}；如不是：不是重复 #{{caseId}}`)] },
    ),
  };
}
