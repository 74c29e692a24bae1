/** Views of the 人员 pages: the list with its filter, and the person form. */
import { ROLES, type Role } from "../../db/schema.js";
import { ROLE_LABEL } from "../../domain/labels.js";
import type { PersonRow } from "../../db/admin/people.js";
import type { UnitRow } from "../../db/admin/units.js";
import { Csrf, maskMobile, PostButton, type AdminCtx } from "./common.js";

export function PersonForm(props: { a: AdminCtx; action: string; p?: Partial<PersonRow>; units: UnitRow[]; submit: string; isNew: boolean }) {
  const p = props.p ?? {};
  return (
    <form method="post" action={props.action} class="card">
      <Csrf a={props.a} />
      {props.isNew ? (
        <label class="f">
          <span>账号（企业微信）</span> <input name="userId" required maxlength={64} value={p.userId ?? ""} class="mono" />
        </label>
      ) : (
        <p>
          账号：<span class="mono">{p.userId}</span>
        </p>
      )}
      <label class="f">
        <span>姓名</span> <input name="name" required maxlength={32} value={p.name ?? ""} />
      </label>
      <label class="f">
        <span>手机</span> <input name="mobile" maxlength={20} value={p.mobile ?? ""} inputmode="tel" />
      </label>
      <label class="f">
        <span>钉钉 ID</span> <input name="dingtalkId" maxlength={64} value={p.dingtalkId ?? ""} class="mono" placeholder="使用钉钉时填写（员工 userid）" />
      </label>
      <label class="f">
        <span>单位</span>{" "}
        <select name="unitId">
          <option value="">（无）</option>
          {props.units.map((u) => (
            <option value={String(u.id)} selected={p.unitId === u.id}>
              {u.name}
              {u.active ? "" : "（已停用）"}
            </option>
          ))}
        </select>
      </label>
      <fieldset style="border:0;padding:0;margin:6px 0">
        <legend style="color:#4e5969">角色（系统管理员、审计员不能兼任其他角色；授予系统管理员、审计员、调度员、领导须另一位管理员批准）</legend>
        {ROLES.map((r) => (
          <label style="margin-right:12px;white-space:nowrap">
            <input type="checkbox" name="roles" value={r} checked={(p.roles ?? []).includes(r)} /> {ROLE_LABEL[r]}
          </label>
        ))}
      </fieldset>
      <button type="submit">{props.submit}</button>
    </form>
  );
}

export function PeopleTable(props: { a: AdminCtx; rows: PersonRow[]; unitName: Map<number, string>; pending?: Set<number> }) {
  const now = props.a.now;
  return (
    <table class="wide">
      <thead>
        <tr><th>账号</th><th>钉钉 ID</th><th>姓名</th><th>单位</th><th>角色</th><th>手机</th><th>密码</th><th>状态</th><th>操作</th></tr>
      </thead>
      <tbody>
        {props.rows.map((p) => (
          <tr class={p.active ? "" : "muted"}>
            <td class="mono">{p.userId}</td>
            <td class="mono">{p.dingtalkId ?? "—"}</td>
            <td>{p.name}</td>
            <td>{p.unitId ? (props.unitName.get(p.unitId) ?? "?") : "—"}</td>
            <td>
              {p.roles.map((r: Role) => ROLE_LABEL[r]).join("、") || "（无）"}
              {props.pending?.has(p.id) ? <span class="warn">（角色变更待审批）</span> : null}
            </td>
            <td>{maskMobile(p.mobile)}</td>
            <td>{p.passwordHash ? "已设置" : "未设置"}</td>
            <td>{!p.active ? "已停用" : p.lockedUntil && p.lockedUntil > now ? "已锁定" : "启用"}</td>
            <td>
              <a href={`/admin/people/${p.id}`}>编辑</a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PersonActions(props: { a: AdminCtx; p: PersonRow }) {
  const { a, p } = props;
  const self = p.id === a.user.personId;
  return (
    <div class="card">
      <h3 style="margin-top:0">账号操作</h3>
      <p>
        {self ? (
          <span class="muted">不能停用自己的账号。</span>
        ) : (
          <PostButton a={a} action={`/admin/people/${p.id}/active`} label={p.active ? "停用账号（立即结束其全部会话）" : "启用账号"} danger={p.active} fields={{ active: p.active ? "0" : "1" }} />
        )}{" "}
        <PostButton a={a} action={`/admin/people/${p.id}/sessions/end`} label="结束全部登录会话" />
      </p>
      {p.roles.includes("admin") || p.totpSecret ? (
        <p>
          动态口令：{p.totpSecret ? "已绑定" : "未绑定（下次登录时绑定）"}{" "}
          {p.totpSecret && !self ? <PostButton a={a} action={`/admin/people/${p.id}/mfa/reset`} label="重置动态口令（手机丢失或更换时）" danger /> : null}
        </p>
      ) : null}
      <p>
        密码：{p.passwordHash ? "已设置" : "未设置"}{" "}
        {p.active ? <PostButton a={a} action={`/admin/people/${p.id}/password-link`} label="发送设置密码链接" /> : null}
        <br />
        <span class="muted">
          督办助手将在单聊中向该人员发送一次性链接，由本人设置密码（管理员不能代设他人密码）；设置后将解除锁定并结束其全部会话。
        </span>
      </p>
    </div>
  );
}
