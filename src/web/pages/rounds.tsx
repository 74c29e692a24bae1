/**
 * Every handling round of a case, in order (spec §2.2): who handled it, why it began and ended, its own four items
 * and its own photos. The current round's items are the 四不放过 checklist; ended rounds come from case_rounds.
 */
import type { AttachmentRow, CaseDetail, RoundRow } from "../../db/case-detail.js";
import type { Directory } from "../../db/ledger.js";
import type { RoundReason } from "../../db/schema.js";
import { ROUND_REASON_LABEL } from "../../domain/rounds.js";
import { accountabilityText } from "../excel/export-rows.js";
import { unitName, ymd } from "./format.js";

/** "第2轮（反弹重办，2026-12-03 起）" for the current round. */
export function currentRoundLabel(d: CaseDetail, tz: string): string {
  const k = d.case;
  return `第 ${k.round} 轮（${ROUND_REASON_LABEL[k.roundReason]}，${ymd(k.roundStartedAt ?? k.createdAt, tz)} 起）`;
}

/** Why each ended round ended: the reason the next one began. */
function endedBy(d: CaseDetail, r: RoundRow): RoundReason {
  return d.rounds.find((x) => x.round === r.round + 1)?.reason ?? d.case.roundReason;
}

const PHASE_LABEL = (a: AttachmentRow) => (a.phase === "after" ? "整改后" : a.phase === "before" ? "整改前" : "其他");

function RoundPhotos(props: { files: AttachmentRow[]; eager?: boolean }) {
  const images = props.files.filter((f) => f.kind === "image");
  if (images.length === 0) return <p class="muted small">本轮无照片。</p>;
  return (
    <div class="photos">
      {images.map((f) => (
        <figure data-round-photo={String(f.id)}>
          <a href={`/dashboard/files/${f.id}`} target="_blank" rel="noopener">
            <img src={`/dashboard/files/${f.id}`} alt={`第${f.round}轮${PHASE_LABEL(f)}照片 ${f.id}`} loading={props.eager ? "eager" : "lazy"} />
          </a>
          <figcaption class="small">{PHASE_LABEL(f)}</figcaption>
        </figure>
      ))}
    </div>
  );
}

/** The ended rounds, oldest first; nothing when the case is still in its first round. */
export function RoundHistory(props: { d: CaseDetail; dir: Directory; tz: string; eager?: boolean }) {
  const { d, dir, tz } = props;
  if (d.rounds.length === 0) return null;
  return (
    <ol class="rounds" id="rounds">
      {d.rounds.map((r) => {
        const it = r.items as Record<string, string | number | null>;
        const acc = accountabilityText({ accountableParty: it.accountableParty as string | null, accountabilityAction: it.accountabilityAction as string | null, penaltyAmount: it.penaltyAmount as number | null });
        const next = endedBy(d, r);
        const values: [string, string | number | null][] = [
          ["核查", [it.verdict, it.finding].filter(Boolean).join("：") || null],
          ["整改", [it.handlingClass, it.rectification].filter(Boolean).join("：") || null],
          ["责任", acc || null],
          ["回访", [it.callbackResult, it.callbackNote].filter(Boolean).join("：") || null],
        ];
        return (
          <li data-round={String(r.round)}>
            <strong>
              第 {r.round} 轮 · {ROUND_REASON_LABEL[r.reason]} · {unitName(dir, r.unitId)}
            </strong>{" "}
            <span class="muted small">
              {ymd(r.startedAt, tz)} 至 {ymd(r.endedAt, tz)}，因{ROUND_REASON_LABEL[next]}结束
              {next === "rejected" ? `（重报：${r.cleared.join("、")}）` : ""}
            </span>
            <dl>
              {values.map(([k, v]) => (
                <>
                  <dt>{k}</dt>
                  <dd>{v ?? <span class="muted">未填写</span>}</dd>
                </>
              ))}
            </dl>
            <RoundPhotos files={d.attachments.filter((a) => a.round === r.round)} eager={props.eager} />
          </li>
        );
      })}
    </ol>
  );
}
