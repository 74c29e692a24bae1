/** All fields of a case as a two-column table (case page and dossier). The complainant is hidden unless revealed. */
import type { Child } from "hono/jsx";
import type { CaseRow, Directory } from "../../db/ledger.js";
import { OUTCOME_LABEL, PRIORITY_LABEL, STATE_LABEL } from "../../domain/labels.js";
import { isOverdue } from "../../domain/lifecycle.js";
import { personName, unitName, ymd, ymdHm } from "./format.js";

export type FieldOpts = { dir: Directory; tz: string; now: number; complainant?: Child };

export function CaseFields(props: { c: CaseRow } & FieldOpts) {
  const { c, dir, tz, now } = props;
  const batch = dir.batches.find((b) => b.id === c.batchId);
  const rows: [string, Child][] = [
    ["案件号", `#${c.id}`],
    ["受理编号", c.externalNo ?? "—"],
    ["来源", c.source],
    ["交办批次", batch ? `${batch.name}（${batch.receivedOn}）` : "—"],
    ["交办问题基本情况", <div class="pre">{c.content}</div>],
    ["地址", c.address ?? "—"],
    ["行政区域", c.area ?? "—"],
    ["污染类型", c.pollutionTypes.join("、") || "—"],
    ["细分类别", c.categories.join("、") || "—"],
    ["牵头单位", unitName(dir, c.leadUnitId)],
    ["配合单位", c.coUnitIds.map((id) => unitName(dir, id)).join("、") || "—"],
    ["责任人", personName(dir, c.officerUserId)],
    ["包案领导", personName(dir, c.leaderUserId)],
    ["优先级", PRIORITY_LABEL[c.priority]],
    ["挂牌督办", c.flagged ? "是" : "否"],
    ["状态", `${STATE_LABEL[c.state]}${isOverdue(c, now) ? "（已逾期）" : ""}`],
    ["签收时限", ymd(c.ackBy, tz)],
    ["办结时限", ymd(c.dueAt, tz)],
    ["签收时间", c.acknowledgedAt ? `${ymdHm(c.acknowledgedAt, tz)}（${personName(dir, c.acknowledgedBy)}）` : "—"],
    ["延期申请", c.extRequestedDue ? `申请延至 ${ymd(c.extRequestedDue, tz)}：${c.extReason ?? ""}（待审批）` : "—"],
    ["退回次数", `${c.returnCount}${c.designated ? "（已定责，不可退回）" : ""}`],
    ["办结结果", c.outcome ? OUTCOME_LABEL[c.outcome] : "—"],
    ["下一节点", ymd(c.milestoneAt, tz)],
    ["提交审核", c.submittedAt ? ymdHm(c.submittedAt, tz) : "—"],
    ["办结时间", c.closedAt && c.state === "closed" ? ymdHm(c.closedAt, tz) : "—"],
    ["反弹次数", String(c.reboundCount)],
    ["问责情况", c.accountabilityLog.length ? <div class="pre">{c.accountabilityLog.map((e) => `${ymd(e.at, tz)} ${e.text}（${personName(dir, e.by)}）`).join("\n")}</div> : "—"],
    ["举报人信息", props.complainant ?? (c.complainant ? <span class="muted">（已隐藏）</span> : "—")],
    ["录入", `${personName(dir, c.createdBy)} · ${ymdHm(c.createdAt, tz)}`],
  ];
  if (c.state === "cancelled") rows.push(["撤销原因", c.cancelReason ?? "—"]);
  return (
    <table class="fields" id="fields">
      <tbody>
        {rows.map(([k, v]) => (
          <tr>
            <th scope="row">{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
