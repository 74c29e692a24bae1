/**
 * Photo checks as findings for a reviewer, never verdicts (evidence.md §0.8, §5): each names its evidence in plain
 * Chinese (which case, when, how far) so a leader can look and decide. Pure: the matches come from src/db.
 */
import { photoDistanceKm, type Point } from "./geo.js";
import { hamming } from "./phash.js";
import type { Policy } from "./policy.js";

/** pHash bits within which two photos of different cases count as the same picture re-encoded (evidence.md §1:
 * recompress/resize/brighten ≤4, small crops up to ~8, different scenes ≥16). The band index finds ≤7. */
export const SIMILAR_BITS = 7;
/** ≤4 is "near-identical"; 5–7 "very similar". */
export const NEAR_IDENTICAL_BITS = 4;
/** An after-photo against this case's own before-photos: genuine afters can be 4 bits away, so only ≤2. */
export const AFTER_LIKE_BEFORE_BITS = 2;
/** Phone clocks drift; a photo minutes before dispatch is normal (e.g. the reporter on site). */
export const DISPATCH_SLACK_MS = 10 * 60_000;

export type Phase = "before" | "after" | null;
export type Photo = { id: number | null; caseId: number | null; sha256: string; phash: string | null; takenAt: number | null; gpsLat: number | null; gpsLon: number | null; phase: Phase; createdAt: number; photoCheck: string | null };
export type Match = Photo & { caseId: number; attachmentId: number; uploaderUnit: string | null; uploaderName: string | null };

export type Finding =
  | { kind: "same_file" | "similar"; bits: number; other: { caseId: number; attachmentId: number; phase: Phase; at: number; unit: string | null }; self: boolean }
  | { kind: "before_dispatch"; takenAt: number; dispatchedAt: number }
  | { kind: "old"; takenAt: number; days: number }
  | { kind: "far"; km: number };

/** Informational facts, shown but not counted as flags (evidence.md §5 "no metadata"). */
export type Note = "no_metadata" | "unchecked" | "no_visual";

export type CaseFacts = { id: number; createdAt: number };

/** Checks for one photo against what was on record before it (matches and earlier photos are pre-selected). */
export function checkPhoto(p: Photo, c: CaseFacts, sameSha: Match[], similar: Match[], earlier: Photo[], policy: Pick<Policy, "photoOldDays" | "photoFarMeters">): { findings: Finding[]; notes: Note[] } {
  const findings: Finding[] = [];
  const notes: Note[] = [];
  const other = (m: Match) => ({ caseId: m.caseId, attachmentId: m.attachmentId, phase: m.phase, at: m.createdAt, unit: m.uploaderUnit ?? m.uploaderName });
  // A reuse counts across cases, or within this case only as "after" matching a "before".
  const reuse = (m: Match) => m.caseId !== c.id || (p.phase === "after" && m.phase === "before");
  const shaHit = sameSha.find(reuse);
  if (shaHit) findings.push({ kind: "same_file", bits: 0, other: other(shaHit), self: shaHit.caseId === c.id });
  if (p.phash && !shaHit) {
    const near = similar
      .filter(reuse)
      .map((m) => ({ m, bits: hamming(p.phash!, m.phash!) }))
      .filter(({ m, bits }) => bits <= (m.caseId === c.id ? AFTER_LIKE_BEFORE_BITS : SIMILAR_BITS))
      .sort((a, b) => a.bits - b.bits || a.m.createdAt - b.m.createdAt)[0];
    if (near) findings.push({ kind: "similar", bits: near.bits, other: other(near.m), self: near.m.caseId === c.id });
  }
  if (p.takenAt !== null) {
    if (p.takenAt < c.createdAt - DISPATCH_SLACK_MS) findings.push({ kind: "before_dispatch", takenAt: p.takenAt, dispatchedAt: c.createdAt });
    else if (p.takenAt < p.createdAt - policy.photoOldDays * 86_400_000) findings.push({ kind: "old", takenAt: p.takenAt, days: Math.floor((p.createdAt - p.takenAt) / 86_400_000) });
  }
  if (p.gpsLat !== null && p.gpsLon !== null) {
    const here: Point = { lat: p.gpsLat, lon: p.gpsLon };
    const kms = earlier.filter((e) => e.gpsLat !== null && e.gpsLon !== null).map((e) => photoDistanceKm(here, { lat: e.gpsLat!, lon: e.gpsLon! }));
    // The nearest earlier photo: one far-off photo among several near ones is what stands out.
    if (kms.length && Math.min(...kms) * 1000 > policy.photoFarMeters) findings.push({ kind: "far", km: Math.min(...kms) });
  }
  if (p.photoCheck === "failed") notes.push("unchecked");
  if (p.photoCheck === "no_visual") notes.push("no_visual");
  if (p.takenAt === null && p.gpsLat === null) notes.push("no_metadata");
  return { findings, notes };
}

const PHASE_WORD: Record<string, string> = { before: "整改前", after: "整改后" };

/** "12月1日" in business time. */
export function monthDay(ms: number, tz: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: tz, month: "numeric", day: "numeric" }).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((x) => x.type === t)?.value;
  return `${Number(get("month"))}月${Number(get("day"))}日`;
}

/** One line of plain Chinese per finding, naming its evidence. */
export function findingText(f: Finding, tz: string): string {
  switch (f.kind) {
    case "same_file":
    case "similar": {
      const what = `${f.self ? "本案" : ` #${f.other.caseId} `}的${PHASE_WORD[f.other.phase ?? ""] ?? ""}照片`;
      const how = f.kind === "same_file" ? "相同" : f.bits <= NEAR_IDENTICAL_BITS ? "几乎相同" : "非常相似";
      const when = `${monthDay(f.other.at, tz)}${f.other.unit ? ` ${f.other.unit}` : ""} 提交`;
      return `与${what}${how}（${when}）${f.self ? "，请核实整改是否可见" : ""}`;
    }
    case "before_dispatch":
      return `拍摄时间 ${monthDay(f.takenAt, tz)} 早于交办时间 ${monthDay(f.dispatchedAt, tz)}`;
    case "old":
      return `拍摄时间 ${monthDay(f.takenAt, tz)}，比上传早 ${f.days} 天`;
    case "far":
      return `拍摄地点距本案其他照片约 ${f.km < 10 ? f.km.toFixed(1) : Math.round(f.km)} 公里`;
  }
}

export const NOTE_TEXT: Record<Note, string> = { no_metadata: "无拍摄时间和地点信息", unchecked: "未能检查", no_visual: "此格式未做图像比对" };
