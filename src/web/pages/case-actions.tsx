/**
 * The actions a dispatcher or leader may take on the case page — 通过/驳回, 催办, 挂牌/摘牌, 改派, 撤销, 延期审批 —
 * as POST forms that run the very same use cases as the chat commands (src/handlers/).
 */
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)
import type { CaseRef } from "../../domain/values.js";
import type { CaseRow, Directory } from "../../db/ledger.js";
import { ALLOWED_IN, type CaseAction } from "../../domain/lifecycle.js";
import { canDo } from "../../domain/permissions.js";
import { cancelCase } from "../../handlers/cancel-case.js";
import { chaseCase } from "../../handlers/chase.js";
import type { HandlerCtx, Outcome } from "../../handlers/context.js";
import { decideClosure } from "../../handlers/decide-closure.js";
import { decideExtension } from "../../handlers/decide-extension.js";
import { flagCase } from "../../handlers/flag.js";
import { reassignCase } from "../../handlers/reassign.js";
import { remarkPhoto } from "../../handlers/remark-photo.js";
import { editCase } from "../../handlers/edit-case.js";
import { editBody } from "./case-edit.js";
import type { WebUser } from "../context.js";
import { CsrfField } from "./shared.js";

const reason = (what: string) => z.string({ error: `请填写${what}` }).trim().min(2, `请填写${what}（至少 2 个字）`).max(500, `${what}不能超过 500 字`);

export const actionBody = z.discriminatedUnion("action", [
  z.object({ action: z.literal("approve_closure"), note: z.string().trim().max(500, "核实说明不能超过 500 字").optional() }),
  z.object({ action: z.literal("reject_closure"), reason: reason("驳回原因") }),
  z.object({ action: z.literal("chase") }),
  z.object({ action: z.literal("flag") }),
  z.object({ action: z.literal("unflag") }),
  z.object({ action: z.literal("reassign"), unit: z.coerce.number({ error: "请选择改派单位" }).int().positive("请选择改派单位") }),
  z.object({ action: z.literal("cancel"), reason: reason("撤销原因") }),
  z.object({ action: z.literal("approve_extension") }),
  z.object({ action: z.literal("refuse_extension"), reason: reason("不同意延期的原因") }),
  z.object({ action: z.literal("remark_photo"), no: z.coerce.number({ error: "照片序号不正确" }).int().min(1).max(999), phase: z.enum(["before", "after"], { error: "请选择整改前或整改后" }) }),
  editBody,
], { error: "未知的操作" });
export type ActionBody = z.infer<typeof actionBody>;

/** What the page says after each action succeeded. */
export const DONE_TEXT: Record<ActionBody["action"], string> = {
  approve_closure: "已审核通过（销号）。",
  reject_closure: "已驳回办结申请，已通知承办单位。",
  chase: "已催办，提醒已发往承办单位群。",
  flag: "已挂牌督办。",
  unflag: "已摘牌。",
  reassign: "已改派，等待新单位签收。",
  cancel: "已撤销。",
  approve_extension: "已同意延期。",
  refuse_extension: "已不同意延期。",
  remark_photo: "已更改照片标记。",
  edit: "已保存案件信息。",
};

/** The use case behind each form: the same use cases as the chat commands, with the ids the form already holds. */
export function useCaseFor(b: ActionBody, id: number): (ctx: HandlerCtx) => Promise<Outcome> {
  const ref: CaseRef = { kind: "id", id };
  switch (b.action) {
    case "approve_closure": return (ctx) => decideClosure({ ctx, input: { ref, approve: true, note: b.note || undefined } });
    case "reject_closure": return (ctx) => decideClosure({ ctx, input: { ref, approve: false, reason: b.reason } });
    case "chase": return (ctx) => chaseCase({ ctx, input: { ref } });
    case "flag": return (ctx) => flagCase({ ctx, input: { ref, on: true } });
    case "unflag": return (ctx) => flagCase({ ctx, input: { ref, on: false } });
    case "reassign": return (ctx) => reassignCase({ ctx, input: { ref, unitId: b.unit } });
    case "cancel": return (ctx) => cancelCase({ ctx, input: { ref, reason: b.reason } });
    case "approve_extension": return (ctx) => decideExtension({ ctx, input: { ref, approve: true } });
    case "refuse_extension": return (ctx) => decideExtension({ ctx, input: { ref, approve: false, reason: b.reason } });
    case "remark_photo": return (ctx) => remarkPhoto({ ctx, input: { ref, nos: [b.no], phase: b.phase } });
    case "edit":
      return (ctx) => editCase({ ctx, input: { ref, version: b.version, title: b.title, content: b.content, address: b.address || null, area: b.area || null, pollutionTypes: b.types, source: b.source, batchId: b.batch === "" ? null : b.batch } });
  }
}

const may = (u: WebUser, a: CaseAction, c: CaseRow) => canDo(u, a, c) && ALLOWED_IN[a].includes(c.state);

/** Only the forms this person may use on this case in its current state. */
export function CaseActions(props: { c: CaseRow; user: WebUser; dir: Directory }) {
  const { c, user, dir } = props;
  const url = `/dashboard/cases/${c.id}/act`;
  const Simple = (p: { action: string; label: string; cls?: string; confirm?: string }) => (
    <form method="post" action={url} class="inline" data-confirm={p.confirm}>
      <CsrfField user={user} />
      <input type="hidden" name="action" value={p.action} />
      <button type="submit" class={p.cls} name="do" value={p.action}>{p.label}</button>
    </form>
  );
  const WithReason = (p: { action: string; label: string; placeholder: string }) => (
    <form method="post" action={url} class="inline">
      <CsrfField user={user} />
      <input type="hidden" name="action" value={p.action} />
      <input name="reason" required minlength={2} maxlength={500} placeholder={p.placeholder} aria-label={p.placeholder} />
      <button type="submit" class="light" name="do" value={p.action}>{p.label}</button>
    </form>
  );
  const forms = [
    may(user, "approve_closure", c) ? (
      <form method="post" action={url} class="inline" data-confirm={`确认审核通过 #${c.id}？`}>
        <CsrfField user={user} />
        <input type="hidden" name="action" value="approve_closure" />
        {/* Issue 10: required by the use case when a photo is flagged; kept in the timeline and audit. */}
        <input name="note" maxlength={500} placeholder="核实说明（照片核查有提示时必填）" aria-label="核实说明" />
        <button type="submit" name="do" value="approve_closure">通过（销号）</button>
      </form>
    ) : null,
    may(user, "reject_closure", c) ? <WithReason action="reject_closure" label="驳回" placeholder="需重报的项目和原因，如：整改 照片不能反映整改效果（不写项目则四项都重报）" /> : null,
    c.extRequestedDue && may(user, "decide_extension", c) ? <Simple action="approve_extension" label="同意延期" /> : null,
    c.extRequestedDue && may(user, "decide_extension", c) ? <WithReason action="refuse_extension" label="不同意延期" placeholder="不同意的原因" /> : null,
    may(user, "chase", c) ? <Simple action="chase" label="催办" /> : null,
    may(user, "flag", c) ? <Simple action={c.flagged ? "unflag" : "flag"} label={c.flagged ? "摘牌" : "挂牌督办"} cls="light" /> : null,
    may(user, "reassign", c) ? (
      <form method="post" action={url} class="inline">
        <CsrfField user={user} />
        <input type="hidden" name="action" value="reassign" />
        <select name="unit" required aria-label="改派给">
          <option value="">改派给…</option>
          {dir.units.filter((u) => u.active && u.kind !== "office" && u.id !== c.leadUnitId).map((u) => <option value={String(u.id)}>{u.name}</option>)}
        </select>
        <button type="submit" class="light" name="do" value="reassign">改派</button>
      </form>
    ) : null,
    may(user, "cancel", c) ? <WithReason action="cancel" label="撤销" placeholder="撤销原因，如：重复交办" /> : null,
  ].filter(Boolean);
  if (forms.length === 0) return <p class="muted">当前状态下您没有可执行的操作。</p>;
  return <div class="actions-list" id="actions">{forms}</div>;
}
