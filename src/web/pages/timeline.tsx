/** The case timeline and the evidence gallery (整改前 / 整改后), shared by the case page and the dossier. */
import type { AttachmentRow, CaseEventRow } from "../../db/case-detail.js";
import type { Directory } from "../../db/ledger.js";
import { reminderJobs, reminderText } from "../../domain/reminders.js";
import { EVENT_LABEL, personName, unitName, ymd, ymdHm } from "./format.js";
import { PhotoFlags, RemarkForm, type PhotoCheckView } from "./photo-checks.js";

/** Extra words for an event from its data: the unit it went to, the deadline moved, files attached. */
function detail(e: CaseEventRow, dir: Directory, tz: string): string {
  const d = (e.data ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  if (e.kind === "created" && typeof d.leadUnitId === "number") parts.push(`牵头：${unitName(dir, d.leadUnitId)}`);
  if (e.kind === "created" && typeof d.dueAt === "number") parts.push(`时限：${ymd(d.dueAt, tz)}`);
  if (e.kind === "extension_approved" && typeof d.to === "number") parts.push(`新时限：${ymd(d.to, tz)}`);
  if (Array.isArray(d.files) && d.files.length) parts.push(`附件 ${d.files.length} 个`);
  return parts.join("，");
}

/**
 * The handling events, oldest first. Scheduled reminders are not handling: the case page folds them into one
 * collapsed list (one Chinese line per day), the dossier (`full`) leaves them out and says how many there were.
 */
export function Timeline(props: { events: CaseEventRow[]; dir: Directory; tz: string; full?: boolean }) {
  const { dir, tz } = props;
  const events = props.events.filter((e) => e.kind !== "reminder");
  const reminders = props.events.filter((e) => e.kind === "reminder");
  return (
    <>
      <ol class="timeline" id="timeline">
        {events.map((e) => {
          const extra = detail(e, dir, tz);
          const text = e.kind === "created" && !props.full && e.text && e.text.length > 60 ? `${e.text.slice(0, 60)}…` : e.text;
          return (
            <li data-kind={e.kind}>
              <time>{ymdHm(e.at, tz)}</time> <strong>{EVENT_LABEL[e.kind] ?? e.kind}</strong> <span class="muted">{personName(dir, e.actorUserId)}</span>
              {text ? <div>{text}</div> : null}
              {extra ? <div class="muted small">{extra}</div> : null}
            </li>
          );
        })}
      </ol>
      {reminders.length && props.full ? <p class="muted small" id="reminders">另有系统自动提醒 {reminders.length} 条，未列入办理过程。</p> : null}
      {reminders.length && !props.full ? (
        <details class="reminders small" id="reminders">
          <summary>系统自动提醒 {reminders.length} 条</summary>
          <ol class="plain">
            {reminders.map((e) => (
              <li data-kind="reminder">
                <time>{ymd(e.at, tz)}</time> {reminderText(reminderJobs(e))}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </>
  );
}

const PHASES: [string, (a: AttachmentRow) => boolean][] = [
  ["整改前", (a) => a.phase === "before"],
  ["整改后", (a) => a.phase === "after"],
  ["其他照片", (a) => a.phase === null],
];

/** The untouched original (position, device) for evidence holders: a POST with a reason, each read audited (R37). */
function OriginalButton(props: { id: number; csrf: string }) {
  return (
    <form method="post" action={`/dashboard/files/${props.id}/original`} class="inline small">
      <input type="hidden" name="_csrf" value={props.csrf} />
      <input name="reason" required minlength={4} maxlength={200} placeholder="下载事由" aria-label="下载原件的事由" size={8} />
      <button type="submit" class="light" title="原件含拍摄位置、设备等信息，下载将记入审计日志">
        下载原件
      </button>
    </form>
  );
}

/** `originals`: the evidence holder's CSRF token — each photo then offers its untouched original (audited, R37). */
/** `rounds`: the case has had more than one handling round, so each photo says which round it belongs to. */
/** `checks`: photo numbers and flags (issue 10); `sideBySide` shows matched photos (dispatchers, leaders only);
 * `remark`: the office may re-mark a photo's phase. */
export function Gallery(props: { files: AttachmentRow[]; dir: Directory; tz: string; eager?: boolean; originals?: { csrf: string }; rounds?: boolean; checks?: Map<number, PhotoCheckView>; sideBySide?: boolean; remark?: { csrf: string; caseId: number } }) {
  const { dir, tz } = props;
  const images = props.files.filter((f) => f.kind === "image");
  const others = props.files.filter((f) => f.kind !== "image");
  if (props.files.length === 0) return <p class="muted">暂无照片或附件。</p>;
  return (
    <div class="gallery" id="gallery">
      {PHASES.map(([label, pick]) => {
        const group = images.filter(pick);
        return group.length ? (
          <section data-phase={label}>
            <h3>{label}（{group.length}）</h3>
            <div class="photos">
              {group.map((f) => (
                <figure>
                  <a href={`/dashboard/files/${f.id}`} target="_blank" rel="noopener">
                    <img src={`/dashboard/files/${f.id}`} alt={`${label}照片 ${f.id}`} loading={props.eager ? "eager" : "lazy"} />
                  </a>
                  <figcaption>
                    {props.checks?.get(f.id) ? `第${props.checks.get(f.id)!.no}张 · ` : ""}
                    {props.rounds && f.round ? `第${f.round}轮 · ` : ""}
                    {personName(dir, f.uploaderUserId)} · {ymdHm(f.createdAt, tz)}
                    <br />
                    <span class="muted small">SHA-256 {f.sha256.slice(0, 12)}…</span>
                    {props.originals ? <OriginalButton id={f.id} csrf={props.originals.csrf} /> : null}
                    {props.checks ? <PhotoFlags v={props.checks.get(f.id)} sideBySide={!!props.sideBySide} /> : null}
                    {props.remark && props.checks?.get(f.id) ? <RemarkForm caseId={props.remark.caseId} no={props.checks.get(f.id)!.no} phase={f.phase} csrf={props.remark.csrf} /> : null}
                  </figcaption>
                </figure>
              ))}
            </div>
          </section>
        ) : null;
      })}
      {others.length ? (
        <section>
          <h3>其他附件（{others.length}）</h3>
          <ul class="plain">
            {others.map((f) => (
              <li>
                <a href={`/dashboard/files/${f.id}`}>{f.fileName ?? `附件 ${f.id}`}</a> <span class="muted small">{f.mime} · {Math.ceil(f.size / 1024)} KB · {ymdHm(f.createdAt, tz)}</span>
                {props.originals && f.mime.startsWith("video/") ? <OriginalButton id={f.id} csrf={props.originals.csrf} /> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
