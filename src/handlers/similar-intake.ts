/**
 * Suspected repeats of a complaint being taken in (issue 13), the one composition every intake shares: chat 交办
 * (src/bot/route-similar.ts renders it), the API's POST /cases and the import preview. A failing lookup is logged
 * and gives no suggestions: it must never block the intake itself.
 */
import { findSimilar, type SimilarCase, type SimilarOptions, type SimilarQuery } from "../db/similar-cases.js";
import type { HandlerCtx } from "./context.js";

/** A suggestion with its lead unit's name (the reply and the API name it; ids alone mean nothing to people). */
export type IntakeSimilar = SimilarCase & { unit: string | null };

export async function similarAtIntake(ctx: Pick<HandlerCtx, "deps" | "units">, q: SimilarQuery, opts?: SimilarOptions): Promise<IntakeSimilar[]> {
  let found: SimilarCase[];
  try {
    found = await findSimilar(ctx.deps.db, q, opts);
  } catch (e) {
    ctx.deps.log.warn("similar.lookup_failed", { error: e instanceof Error ? e.name : "unknown" });
    return [];
  }
  if (!found.length) return [];
  const units = await ctx.units();
  return found.map((s) => ({ ...s, unit: units.find((u) => u.id === s.leadUnitId)?.name ?? null }));
}
