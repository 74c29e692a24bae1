/** Handling rounds in the use cases: start the next round (archive the ended one) and re-check the gate on stored data. */
import { and, asc, count, eq, gte } from "drizzle-orm";
import { attachments, caseRounds, type RoundReason } from "../db/schema.js";
import type { Db } from "../db/types.js";
import type { BatchItem } from "../db/write.js";
import { missingForStored, type GateItem } from "../domain/closure-gate.js";
import { clearedColumns, GATE_KEYS, itemsOf, photoRoundFrom, ROUND_REASON_LABEL, type GateKey } from "../domain/rounds.js";
import type { CaseRow, HandlerCtx } from "./context.js";
import { DomainError } from "./errors.js";
import { caseNo } from "./text.js";

export type RoundRow = typeof caseRounds.$inferSelect;

/**
 * The next round: the ended one is kept in case_rounds (its four items as they stood, who handled it) and the items
 * the new round must give again are cleared on the case. One more statement for the caller's one batch; the unique
 * (case, round) key and the case's version check make a concurrent second start fail as a whole.
 */
export function startRound(ctx: HandlerCtx, c: CaseRow, reason: Exclude<RoundReason, "dispatch">, cleared: readonly GateKey[] = GATE_KEYS) {
  const set = { round: c.round + 1, roundReason: reason, roundStartedAt: ctx.now, ...clearedColumns(cleared) };
  const write: BatchItem = ctx.deps.db.insert(caseRounds).values({
    caseId: c.id,
    round: c.round,
    reason: c.roundReason,
    startedAt: c.roundStartedAt ?? c.createdAt,
    endedAt: ctx.now,
    unitId: c.leadUnitId,
    items: itemsOf(c),
    cleared: [...cleared],
  });
  return { set, write };
}

export function endedRounds(db: Db, caseId: number): Promise<RoundRow[]> {
  return db.select().from(caseRounds).where(eq(caseRounds.caseId, caseId)).orderBy(asc(caseRounds.round));
}

/** After-photos that count for the current round (its own, and those of rounds whose 整改 a 驳回 kept). */
export async function currentAfterPhotos(db: Db, c: Pick<CaseRow, "id" | "round">): Promise<number> {
  const from = photoRoundFrom(await endedRounds(db, c.id), c.round);
  const [{ n }] = await db
    .select({ n: count() })
    .from(attachments)
    .where(and(eq(attachments.caseId, c.id), eq(attachments.kind, "image"), eq(attachments.phase, "after"), gte(attachments.round, from)));
  return n;
}

/** How to add an after-photo when the gate misses one (a new photo, or re-marking one already sent). */
export const AFTER_PHOTO_HOW = (no: string) => `补整改后照片：发送照片时在消息中写明「整改后」（如：进展 ${no} 整改后 已安装净化器），或将已发送的照片改标：照片 ${no} 第2张 改为整改后`;

/** The missing list as chat and the dashboard show it, for 办结 and for 通过. */
export function missingLines(missing: GateItem[], no: string): string[] {
  const lines = missing.map((m, i) => `${i + 1}. ${m.item}：缺${m.missing}${m.example ? `\n   例如：${m.example.replace(/\n/g, "；")}` : ""}`);
  if (missing.some((m) => m.missing.includes("整改后照片"))) lines.push(AFTER_PHOTO_HOW(no));
  return lines;
}

/** A word on a later round: the earlier round's answers are not carried over, and where to read them. */
export function roundNote(c: Pick<CaseRow, "round" | "roundReason">): string {
  if (c.round <= 1) return "";
  const head = `本案已进入第 ${c.round} 轮办理（${ROUND_REASON_LABEL[c.roundReason]}）`;
  if (c.roundReason === "rejected") return `${head}，需重新提交被驳回的项目，未驳回的项目沿用；上一轮的内容可在督办台案件页查看。`;
  return `${head}，需提交本轮的核查、整改、责任、回访和整改后照片；上一轮的内容不再沿用，可在督办台案件页查看。`;
}

/** 通过 re-runs the gate on the stored current round; a failing gate is refused on every surface (spec §2.2). */
export async function assertGate(ctx: HandlerCtx, c: CaseRow): Promise<void> {
  const missing = missingForStored(c, await currentAfterPhotos(ctx.deps.db, c));
  if (missing.length === 0) return;
  const no = caseNo(c);
  throw new DomainError(
    "GATE_FAILED",
    [`${no} 不能通过：按"四不放过"，本轮还缺：`, ...missingLines(missing, no), roundNote(c)].filter(Boolean).join("\n"),
    `请驳回并写明需补充的项目，例如：驳回 ${no} 整改 缺整改后照片`,
  );
}
