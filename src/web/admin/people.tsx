/**
 * 人员: list, add, edit roles and unit, disable (ends sessions), end sessions, send a password-set link. Sensitive
 * roles granted here wait for a second administrator; an administrator never sets another person's password (R34).
 */
import { Hono } from "hono";
import type { WebEnv } from "../context.js";
import { DuplicateKey } from "../../db/write.js";
import { personSchema } from "./person-schema.js";
import { getPerson, insertPerson, listPeople, personWithDingtalkId, setPersonActive, updatePerson, type PersonFields, type PersonRow } from "../../db/admin/people.js";
import { listRoleChanges, proposeRoleChange } from "../../db/admin/role-changes.js";
import { newPasswordLink, PASSWORD_LINK_TTL_MS } from "../../db/login-links.js";
import { insertOutbox } from "../../db/write.js";
import { splitGrant } from "../../domain/role-grants.js";
import { targetOf } from "../../domain/targets.js";
import { listUnits } from "../../db/admin/units.js";
import { endSessionsOf } from "../../db/sessions.js";
import { resetMfa } from "../../db/mfa.js";
import { adminCtx, adminPage, Errors, Flash, formOf, idParam, notFoundPage, saveWithAudit, text, texts, type AdminCtx, type Body, type C } from "./common.js";
import { PeopleTable, PersonActions, PersonForm } from "./people-view.js";
import { deciderOf, PendingRoleChanges, roleChangeRoutes, rolesText } from "./role-changes.js";

/** A smart bot in callback mode cannot start a single chat (src/bot/wecom/deliver.ts). */
const CALLBACK_NO_DM = "回调模式下机器人不能主动发送单聊消息：请该人员在与「督办助手」的单聊中发送「登录」，用一次性链接登录督办台（使用钉钉的人员请先填写其钉钉 ID）。";

async function parsePerson(a: AdminCtx, b: Body, userId: string): Promise<{ ok: true; f: PersonFields } | { ok: false; errors: string[] }> {
  const unit = text(b, "unitId");
  const dingtalkId = text(b, "dingtalkId").trim() || null;
  const r = personSchema.safeParse({ userId, name: text(b, "name"), mobile: text(b, "mobile") || null, unitId: unit ? Number(unit) : null, roles: texts(b, "roles"), dingtalkId });
  if (!r.success) return { ok: false, errors: r.error.issues.map((i) => i.message) };
  if (r.data.unitId !== null && !(await listUnits(a.deps.db)).some((u) => u.id === r.data.unitId)) return { ok: false, errors: ["所选单位不存在。"] };
  // One person per DingTalk staff id: a second would make that sender's messages act as either (issue 15).
  const holder = dingtalkId ? await personWithDingtalkId(a.deps.db, dingtalkId) : undefined;
  if (holder && holder.userId !== userId) return { ok: false, errors: [`钉钉 ID ${dingtalkId} 已属于 ${holder.name}（${holder.userId}），一个钉钉 ID 只能对应一名人员。`] };
  return { ok: true, f: { ...r.data, dingtalkId } };
}

async function listPage(c: C, errors?: string[], draft?: Partial<PersonRow>) {
  const a = adminCtx(c);
  const unitQ = Number(c.req.query("unit") ?? "");
  const q = (c.req.query("q") ?? "").slice(0, 32);
  const inactive = c.req.query("inactive") === "1";
  const [rows, units, pending] = await Promise.all([
    listPeople(a.deps.db, { unitId: unitQ > 0 ? unitQ : undefined, q, inactive }),
    listUnits(a.deps.db),
    listRoleChanges(a.deps.db, { pendingOnly: true }),
  ]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  return adminPage(
    c,
    "人员",
    "people",
    <>
      <Flash c={c} />
      <Errors errors={errors} />
      <PendingRoleChanges a={a} rows={pending} />
      <form method="get" action="/admin/people" class="inline card">
        <select name="unit">
          <option value="">全部单位</option>
          {units.map((u) => (
            <option value={String(u.id)} selected={u.id === unitQ}>{u.name}</option>
          ))}
        </select>
        <input name="q" value={q} placeholder="姓名或账号" />
        <label><input type="checkbox" name="inactive" value="1" checked={inactive} /> 含已停用</label>
        <button type="submit">筛选</button>
        <a href="/admin/roster">从名册导入…</a>
      </form>
      <PeopleTable a={a} rows={rows} unitName={unitName} pending={new Set(pending.map((x) => x.personId))} />
      <h3>添加人员</h3>
      <PersonForm a={a} action="/admin/people" p={draft} units={units} submit="添加" isNew />
    </>,
    errors ? 400 : 200,
  );
}

async function personPage(c: C, p: PersonRow, errors?: string[]) {
  const a = adminCtx(c);
  const [units, pending] = await Promise.all([listUnits(a.deps.db), listRoleChanges(a.deps.db, { pendingOnly: true, personId: p.id })]);
  return adminPage(
    c,
    `人员：${p.name}`,
    "people",
    <>
      <Flash c={c} />
      <Errors errors={errors} />
      {pending.map((x) => (
        <div class="notice ok" role="status">
          角色变更待审批：{rolesText(x.currentRoles)} → {rolesText(x.rolesAfter)}（{x.proposedBy} 提出，须另一位系统管理员在人员列表中批准）。
        </div>
      ))}
      <PersonForm a={a} action={`/admin/people/${p.id}`} p={p} units={units} submit="保存" isNew={false} />
      <PersonActions a={a} p={p} />
    </>,
    errors ? 400 : 200,
  );
}

async function loadPerson(c: C): Promise<PersonRow | undefined> {
  const id = idParam(c);
  return id ? getPerson(c.get("deps").db, id) : undefined;
}

export function peopleRoutes(): Hono<WebEnv> {
  const r = new Hono<WebEnv>();
  r.get("/", (c) => listPage(c));
  r.route("/role-changes", roleChangeRoutes());

  r.post("/", async (c) => {
    const a = adminCtx(c);
    const b = await formOf(c);
    const p = await parsePerson(a, b, text(b, "userId"));
    if (!p.ok) return listPage(c, p.errors, { userId: text(b, "userId"), name: text(b, "name") });
    // Sensitive roles wait for a second administrator; the person starts with the others (R34).
    const g = splitGrant([], p.f.roles);
    const { db } = a.deps;
    try {
      await saveWithAudit(
        a,
        [insertPerson(db, { ...p.f, roles: g.now }), ...(g.pending ? proposeRoleChange(db, { userId: p.f.userId }, g.now, g.pending, deciderOf(a), a.now) : [])],
        "admin.person.create",
        `person:${p.f.userId}`,
        { roles: g.now, unitId: p.f.unitId, ...(p.f.dingtalkId ? { dingtalkId: p.f.dingtalkId } : {}), ...(g.pending ? { pendingRoles: g.pending } : {}) },
      );
    } catch (e) {
      if (e instanceof DuplicateKey) return listPage(c, [e.constraint.includes("dingtalk") ? `钉钉 ID ${p.f.dingtalkId} 已被其他人员使用。` : `账号 ${p.f.userId} 已存在。`], p.f);
      throw e;
    }
    return c.redirect(`/admin/people?ok=${g.pending ? "created_pending" : "created"}`, 303);
  });

  r.get("/:id", async (c) => {
    const p = await loadPerson(c);
    return p ? personPage(c, p) : notFoundPage(c, "人员");
  });

  r.post("/:id", async (c) => {
    const a = adminCtx(c);
    const cur = await loadPerson(c);
    if (!cur) return notFoundPage(c, "人员");
    const p = await parsePerson(a, await formOf(c), cur.userId);
    if (!p.ok) return personPage(c, cur, p.errors);
    if (cur.id === a.user.personId && !p.f.roles.includes("admin")) return personPage(c, cur, ["不能取消自己的系统管理员角色。"]);
    const { userId: _, ...fields } = p.f;
    // Removals and ordinary roles apply now; an added sensitive role waits for a second administrator (R34).
    // A change of roles takes effect on the next request: sessions read roles from the person row.
    const g = splitGrant(cur.roles, fields.roles);
    const { db } = a.deps;
    await saveWithAudit(
      a,
      [updatePerson(db, cur.id, { ...fields, roles: g.now }), ...(g.pending ? proposeRoleChange(db, cur.id, g.now, g.pending, deciderOf(a), a.now) : [])],
      "admin.person.update",
      `person:${cur.id}`,
      {
        before: { name: cur.name, unitId: cur.unitId, roles: cur.roles, dingtalkId: cur.dingtalkId, mobileChanged: cur.mobile !== fields.mobile },
        after: { name: fields.name, unitId: fields.unitId, roles: g.now, dingtalkId: fields.dingtalkId },
        ...(g.pending ? { pendingRoles: g.pending } : {}),
      },
    );
    return c.redirect(`/admin/people/${cur.id}?ok=${g.pending ? "saved_pending" : "saved"}`, 303);
  });

  r.post("/:id/active", async (c) => {
    const a = adminCtx(c);
    const cur = await loadPerson(c);
    if (!cur) return notFoundPage(c, "人员");
    const active = text(await formOf(c), "active") === "1";
    if (!active && cur.id === a.user.personId) return personPage(c, cur, ["不能停用自己的账号。"]);
    await saveWithAudit(a, setPersonActive(a.deps.db, cur.id, active, a.now), active ? "admin.person.enable" : "admin.person.disable", `person:${cur.id}`);
    return c.redirect(`/admin/people/${cur.id}?ok=${active ? "enabled" : "disabled"}`, 303);
  });

  r.post("/:id/sessions/end", async (c) => {
    const a = adminCtx(c);
    const cur = await loadPerson(c);
    if (!cur) return notFoundPage(c, "人员");
    await saveWithAudit(a, [endSessionsOf(a.deps.db, cur.id, a.now)], "admin.person.end_sessions", `person:${cur.id}`);
    return c.redirect(`/admin/people/${cur.id}?ok=sessions`, 303);
  });

  // Lost phone: the next sign-in enrols a new authenticator. Never one's own — another administrator must agree (R30).
  r.post("/:id/mfa/reset", async (c) => {
    const a = adminCtx(c);
    const cur = await loadPerson(c);
    if (!cur) return notFoundPage(c, "人员");
    if (cur.id === a.user.personId) return personPage(c, cur, ["不能重置自己的动态口令，请联系其他管理员。"]);
    await saveWithAudit(a, resetMfa(a.deps.db, cur.id, a.now), "admin.person.reset_mfa", `person:${cur.id}`);
    return c.redirect(`/admin/people/${cur.id}?ok=mfa`, 303);
  });

  // The bot sends the person a one-time link in single chat; they choose the password, the admin never sees it (R34).
  r.post("/:id/password-link", async (c) => {
    const a = adminCtx(c);
    const cur = await loadPerson(c);
    if (!cur) return notFoundPage(c, "人员");
    if (!cur.active) return personPage(c, cur, ["该账号已停用，不能发送设置密码链接。"]);
    // A DingTalk user gets it from the app robot's one-to-one send; a WeCom bot in callback mode cannot start a chat.
    const viaDingtalk = a.deps.config.dingtalk.mode !== "off" && !!cur.dingtalkId;
    if (!viaDingtalk && a.deps.config.wecom.mode === "callback") return personPage(c, cur, [CALLBACK_NO_DM]);
    const { db, config } = a.deps;
    const link = await newPasswordLink(db, cur.id, a.now);
    const hours = PASSWORD_LINK_TTL_MS / 3_600_000;
    const text = `督办台设置密码链接（${hours} 小时内有效，只能使用一次，请勿转发）。系统管理员 ${a.user.name} 为您发送，请自行设置密码：\n${config.publicBaseUrl}/password/set/${link.token}`;
    await saveWithAudit(
      a,
      [link.write, insertOutbox(db, { key: `password-link:${link.tokenHash}`, channel: "user", target: viaDingtalk ? targetOf({ platform: "dingtalk", chatId: cur.userId }) : cur.userId, payload: { text }, at: a.now })],
      "admin.person.password_link",
      `person:${cur.id}`,
    );
    return c.redirect(`/admin/people/${cur.id}?ok=password_link`, 303);
  });
  return r;
}
