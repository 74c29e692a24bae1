/**
 * Photo evidence lookups (issue 10): the same file (SHA-256 index) or a near-duplicate (pHash band index) among
 * photos received *before* a given one, and the findings for a case's photos. Only earlier photos count, so a
 * photo's findings never change because someone else uploads later; re-marking a photo's phase does change them.
 *
 * Near-duplicates: the 64-bit pHash is stored as four 16-bit bands, each leading a covering index. Two hashes ≤7 bits apart have
 * at least one band ≤1 bit apart (pigeonhole), so the query probes each band with its value and its 16 one-bit
 * neighbours (68 index keys) and the exact distance is checked here on the candidates — an index lookup, not a
 * scan (evidence.md §3: ~7.5 ms at 1 M photos; our figures in docs/performance.md from bench/evidence.ts).
 */
import { and, asc, eq, inArray, isNotNull, lt, or, type SQL } from "drizzle-orm";
import { checkPhoto, SIMILAR_BITS, type CaseFacts, type Finding, type Match, type Note, type Phase, type Photo } from "../domain/evidence-flags.js";
import { bandProbe, bands } from "../domain/phash.js";
import type { Policy } from "../domain/policy.js";
import { attachments, people, units } from "./schema.js";
import type { Db } from "./types.js";

/** Band hits read per lookup at most (index-only rows: id and bands). Uniform hashes give ~1,040 at 1 M photos;
 * real photos of one place share bands more, so the bound is generous — past it, further hits are not looked at. */
const CANDIDATE_LIMIT = 20_000;

const matchCols = {
  attachmentId: attachments.id,
  id: attachments.id,
  caseId: attachments.caseId,
  sha256: attachments.sha256,
  phash: attachments.phash,
  takenAt: attachments.takenAt,
  gpsLat: attachments.gpsLat,
  gpsLon: attachments.gpsLon,
  phase: attachments.phase,
  createdAt: attachments.createdAt,
  photoCheck: attachments.photoCheck,
  uploaderName: people.name,
  uploaderUnit: units.name,
};

async function matches(db: Db, where: SQL, beforeId: number | null): Promise<Match[]> {
  const rows = await db
    .select(matchCols)
    .from(attachments)
    .leftJoin(people, eq(people.userId, attachments.uploaderUserId))
    .leftJoin(units, eq(units.id, people.unitId))
    .where(and(where, isNotNull(attachments.caseId), beforeId === null ? undefined : lt(attachments.id, beforeId)))
    .orderBy(asc(attachments.id))
    .limit(100);
  return rows as Match[];
}

export const sameFile = (db: Db, sha256: string, beforeId: number | null) => matches(db, eq(attachments.sha256, sha256), beforeId);

/**
 * Stored photos within `maxBits` (≤ 7) of a pHash: the band index gives the candidates (one band within 1 bit),
 * read as narrow rows; the exact distance is checked here and only the matches are read in full.
 */
export async function similarPhotos(db: Db, phash: string, beforeId: number | null, maxBits = SIMILAR_BITS): Promise<Match[]> {
  const [b0, b1, b2, b3] = bands(phash);
  const probe = or(inArray(attachments.ph0, bandProbe(b0)), inArray(attachments.ph1, bandProbe(b1)), inArray(attachments.ph2, bandProbe(b2)), inArray(attachments.ph3, bandProbe(b3)))!;
  // Index-only: the covering band indexes hold all four bands and the row id (pending photos drop out below).
  const cands = await db
    .select({ id: attachments.id, ph0: attachments.ph0, ph1: attachments.ph1, ph2: attachments.ph2, ph3: attachments.ph3 })
    .from(attachments)
    .where(and(probe, beforeId === null ? undefined : lt(attachments.id, beforeId)))
    .limit(CANDIDATE_LIMIT);
  const want = [b0, b1, b2, b3];
  const bits = (x: number) => {
    let n = 0;
    for (; x; n++) x &= x - 1;
    return n;
  };
  const ids = cands.filter((c) => bits(c.ph0! ^ want[0]) + bits(c.ph1! ^ want[1]) + bits(c.ph2! ^ want[2]) + bits(c.ph3! ^ want[3]) <= maxBits).map((c) => c.id);
  // D1 allows 100 bound parameters per statement: the matches are few, read them in slices.
  const out: Match[] = [];
  for (let i = 0; i < ids.length && out.length < 100; i += 90) out.push(...(await matches(db, inArray(attachments.id, ids.slice(i, i + 90)), null)));
  return out;
}

/** `round`: the handling round the photo belongs to (null on rows from before rounds existed). */
export type PhotoCheck = { attachmentId: number | null; no: number; phase: Phase; round: number | null; createdAt: number; findings: Finding[]; notes: Note[] };

type CaseForChecks = CaseFacts & { round?: number | null };

/**
 * Findings for every photo of a case, in the order received ("第1张" = no 1), plus photos of this message not
 * stored yet (`incoming`, checked against everything stored).
 */
export async function checkCasePhotos(db: Db, c: CaseForChecks, policy: Pick<Policy, "photoOldDays" | "photoFarMeters">, incoming: Omit<Photo, "id" | "caseId">[] = []): Promise<PhotoCheck[]> {
  const stored = (await db
    .select({ id: attachments.id, caseId: attachments.caseId, sha256: attachments.sha256, phash: attachments.phash, takenAt: attachments.takenAt, gpsLat: attachments.gpsLat, gpsLon: attachments.gpsLon, phase: attachments.phase, createdAt: attachments.createdAt, photoCheck: attachments.photoCheck, round: attachments.round })
    .from(attachments)
    .where(and(eq(attachments.caseId, c.id), eq(attachments.kind, "image")))
    .orderBy(asc(attachments.id))) as (Photo & { round: number | null })[];
  const all: (Photo & { round: number | null })[] = [...stored, ...incoming.map((p) => ({ ...p, id: null, caseId: c.id, round: c.round ?? null }))];
  const out: PhotoCheck[] = [];
  for (const [i, p] of all.entries()) {
    const [same, similar] = await Promise.all([sameFile(db, p.sha256, p.id), p.phash ? similarPhotos(db, p.phash, p.id) : Promise.resolve([])]);
    const { findings, notes } = checkPhoto(p, c, same, similar.filter((m) => m.phash), all.slice(0, i), policy);
    out.push({ attachmentId: p.id, no: i + 1, phase: p.phase, round: p.round, createdAt: p.createdAt, findings, notes });
  }
  return out;
}
