/**
 * Photo checks on the case page and dossier (issue 10): under each photo its number (as 照片 #N 第2张 uses it) and
 * any flag with its evidence. Dispatchers and leaders also see the matched photo side by side; officers see only
 * that and why a photo was flagged, never the other unit's photo. The office may re-mark a photo's phase here.
 */
import type { Deps } from "../../deps.js";
import { checkCasePhotos } from "../../db/photo-index.js";
import { loadPolicy } from "../../db/policy.js";
import { findingText, NOTE_TEXT } from "../../domain/evidence-flags.js";

export type PhotoCheckView = { no: number; flags: { text: string; other?: { attachmentId: number; caseId: number } }[]; notes: string[] };

/** attachment id → its number and findings. */
export async function photoCheckViews(deps: Pick<Deps, "db" | "config">, c: { id: number; createdAt: number }): Promise<Map<number, PhotoCheckView>> {
  const checks = await checkCasePhotos(deps.db, c, await loadPolicy(deps.db));
  const tz = deps.config.timezone;
  return new Map(
    checks.map((p) => [
      p.attachmentId!,
      {
        no: p.no,
        flags: p.findings.map((f) => ({ text: findingText(f, tz), other: "other" in f ? { attachmentId: f.other.attachmentId, caseId: f.other.caseId } : undefined })),
        notes: p.notes.map((n) => NOTE_TEXT[n]),
      },
    ]),
  );
}

/** The flags under one photo; `sideBySide` (dispatchers, leaders) adds the matched photo next to it. */
export function PhotoFlags(props: { v?: PhotoCheckView; sideBySide: boolean }) {
  const v = props.v;
  if (!v) return null;
  return (
    <div class="photo-check small" data-flagged={v.flags.length ? "yes" : "no"}>
      {v.flags.length ? (
        <ul class="plain flags">
          {v.flags.map((f) => (
            <li>
              <strong>核查提示</strong> {f.text}
              {props.sideBySide && f.other ? (
                <div class="match">
                  <a href={`/dashboard/cases/${f.other.caseId}`}>#{f.other.caseId}</a>
                  <a href={`/dashboard/files/${f.other.attachmentId}`} target="_blank" rel="noopener">
                    <img src={`/dashboard/files/${f.other.attachmentId}`} alt={`#${f.other.caseId} 的对比照片`} loading="lazy" width={160} />
                  </a>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {v.notes.length ? <span class="muted">{v.notes.join("；")}</span> : null}
    </div>
  );
}

/** 改为整改前 / 整改后 for one photo: the same use case as 照片 #N 第2张 改为整改后. */
export function RemarkForm(props: { caseId: number; no: number; phase: "before" | "after" | null; csrf: string }) {
  const to = props.phase === "after" ? "before" : "after";
  return (
    <form method="post" action={`/dashboard/cases/${props.caseId}/act`} class="inline small">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input type="hidden" name="action" value="remark_photo" />
      <input type="hidden" name="no" value={String(props.no)} />
      <input type="hidden" name="phase" value={to} />
      <button type="submit" class="light">改为{to === "after" ? "整改后" : "整改前"}</button>
    </form>
  );
}
