/**
 * 角色变更审批 (/admin/people/role-changes/:id/approve|reject): a sensitive role one administrator granted waits for a
 * different administrator (separation of duties across accounts, R34). The proposer may withdraw (reject) but never
 * approve their own proposal, nor may anyone approve a change of their own account.
 */
import { Hono } from "hono";
import type { WebEnv } from "../context.js";
import type { Role } from "../../db/schema.js";
import { ROLE_LABEL } from "../../domain/labels.js";
import { decideRoleChange, type DecideResult, type Decider, type RoleChangeView } from "../../db/admin/role-changes.js";
import { adminCtx, adminPage, PostButton, type AdminCtx } from "./common.js";

export const rolesText = (roles: readonly Role[]) => (roles.length ? roles.map((r) => ROLE_LABEL[r]).join("、") : "（无）");

export const deciderOf = (a: AdminCtx): Decider => ({ userId: a.user.userId, personId: a.user.personId, source: a.source });

const REFUSED: Partial<Record<DecideResult, string>> = {
  own_proposal: "不能审批自己提出的角色变更，请由另一位系统管理员审批（职责分离）。",
  own_account: "不能审批自己账号的角色变更，请由另一位系统管理员审批（职责分离）。",
  not_pending: "该角色变更已处理或已撤回。",
  stale: "该人员的角色在提出变更后已被修改，此变更已作废；如仍需要，请重新提出。",
};

/** The pending changes with 批准 / 驳回 (or 撤回 for one's own). */
export function PendingRoleChanges(props: { a: AdminCtx; rows: RoleChangeView[] }) {
  const { a, rows } = props;
  if (rows.length === 0) return null;
  return (
    <div class="card">
      <h3 style="margin-top:0">待审批的角色变更</h3>
      <p class="muted">授予系统管理员、审计员、调度员或领导角色，须由提出人以外的另一位系统管理员批准后生效；取消角色立即生效。</p>
      <table class="wide">
        <thead>
          <tr><th>人员</th><th>现有角色</th><th>变更为</th><th>提出人</th><th>操作</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const mine = r.proposedBy === a.user.userId;
            const self = r.personId === a.user.personId;
            return (
              <tr>
                <td>
                  <a href={`/admin/people/${r.personId}`}>{r.name}</a> <span class="mono">{r.userId}</span>
                </td>
                <td>{rolesText(r.currentRoles)}</td>
                <td>{rolesText(r.rolesAfter)}</td>
                <td class="mono">{r.proposedBy}</td>
                <td>
                  {mine || self ? (
                    <span class="muted">须由其他管理员审批 </span>
                  ) : (
                    <PostButton a={a} action={`/admin/people/role-changes/${r.id}/approve`} label="批准" />
                  )}{" "}
                  <PostButton a={a} action={`/admin/people/role-changes/${r.id}/reject`} label={mine ? "撤回" : "驳回"} danger />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function roleChangeRoutes(): Hono<WebEnv> {
  const r = new Hono<WebEnv>();
  for (const decision of ["approve", "reject"] as const) {
    r.post(`/:id/${decision}`, async (c) => {
      const a = adminCtx(c);
      const id = Number(c.req.param("id"));
      const res = Number.isSafeInteger(id) && id > 0 ? await decideRoleChange(a.deps.db, id, decision, deciderOf(a), a.now) : "not_pending";
      const problem = REFUSED[res];
      if (problem) return adminPage(c, "角色变更", "people", <div class="notice error" role="alert">{problem} <a href="/admin/people">返回人员列表</a></div>, res === "not_pending" ? 404 : 409);
      return c.redirect(`/admin/people?ok=${res === "approved" ? "role_approved" : "role_rejected"}`, 303);
    });
  }
  return r;
}
