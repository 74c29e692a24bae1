/**
 * Photo checks shown to people (issue 10): one line per flagged photo, naming its evidence, for 办结 messages,
 * 查 #N and the daily digest. The lines name the other case and unit, never show its photo.
 */
import { checkCasePhotos, type PhotoCheck } from "../db/photo-index.js";
import { loadPolicy } from "../db/policy.js";
import { findingText, type Phase } from "../domain/evidence-flags.js";
import type { HandlerCtx, StoredUpload } from "./context.js";

const PHASE: Record<string, string> = { before: "整改前", after: "整改后" };

/** Findings for a case's photos plus this message's (with the phase they are about to be stored with). */
export async function casePhotoChecks(ctx: Pick<HandlerCtx, "deps">, c: { id: number; createdAt: number; round?: number | null }, incoming: StoredUpload[] = [], phase: Phase = null, now = 0): Promise<PhotoCheck[]> {
  const policy = await loadPolicy(ctx.deps.db);
  const fresh = incoming
    .filter((u) => u.kind === "image")
    .map((u) => ({ sha256: u.sha256, phase, createdAt: now, phash: u.facts?.phash ?? null, takenAt: u.facts?.takenAt ?? null, gpsLat: u.facts?.gpsLat ?? null, gpsLon: u.facts?.gpsLon ?? null, photoCheck: u.facts?.photoCheck ?? null }));
  return checkCasePhotos(ctx.deps.db, c, policy, fresh);
}

/** "第2张（整改后）：与 #57 的整改后照片相同（12月1日 荷花池街道 提交）", one line per flagged photo. */
export function flagLines(checks: PhotoCheck[], tz: string): string[] {
  return checks
    .filter((p) => p.findings.length)
    .map((p) => `第${p.no}张${p.phase ? `（${PHASE[p.phase]}）` : ""}：${p.findings.map((f) => findingText(f, tz)).join("；")}`);
}

export const openFlagCount = (checks: PhotoCheck[]) => checks.filter((p) => p.findings.length).length;

/** The photos of the case's current handling round: an earlier round's flags were answered when it was decided. */
export const currentRound = (checks: PhotoCheck[], round: number | null | undefined) => checks.filter((p) => p.round === null || round == null || p.round === round);
