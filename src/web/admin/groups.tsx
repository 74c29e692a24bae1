/**
 * 群聊: list, add, set platform, purpose and unit. Robot credentials (a WeCom robot key; a DingTalk custom robot's
 * webhook and 加签 secret) are entered once and only ever shown masked; a blank field keeps what is stored (R38).
 */
import { Hono } from "hono";
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)
import type { WebEnv } from "../context.js";
import { DuplicateKey } from "../../db/write.js";
import { getGroup, insertGroup, listGroups, updateGroup, writeDingtalkRobot, writeRobotKey, type GroupFields, type GroupView } from "../../db/admin/groups.js";
import { listUnits, type UnitRow } from "../../db/admin/units.js";
import { chatIdProblem, maskWebhook, PLATFORM_LABEL, PLATFORMS, robotKeyFrom, robotSecretProblem, webhookProblem, webhookUrlFrom } from "../../domain/channel-fields.js";
import { adminCtx, adminPage, Csrf, Errors, Flash, formOf, idParam, notFoundPage, saveWithAudit, text, type AdminCtx, type Body, type C } from "./common.js";

const PURPOSE_LABEL: Record<GroupView["purpose"], string> = { command: "指挥群", unit: "单位群", accountability: "问责群", other: "其他" };
const fieldsSchema = z.object({
  name: z.string().min(1, "请填写群名称").max(60, "群名称不超过 60 个字"),
  purpose: z.enum(["command", "unit", "accountability", "other"], { message: "请选择用途" }),
  unitId: z.number().int().positive().nullable(),
  platform: z.enum(PLATFORMS, { message: "请选择平台" }),
});

function parseFields(b: Body, units: UnitRow[]): { ok: true; f: GroupFields } | { ok: false; errors: string[] } {
  const unit = text(b, "unitId");
  const r = fieldsSchema.safeParse({ name: text(b, "name"), purpose: text(b, "purpose"), unitId: unit ? Number(unit) : null, platform: text(b, "platform") || "wecom" });
  if (!r.success) return { ok: false, errors: r.error.issues.map((i) => i.message) };
  if (r.data.unitId !== null && !units.some((u) => u.id === r.data.unitId)) return { ok: false, errors: ["所选单位不存在。"] };
  if (r.data.purpose === "unit" && r.data.unitId === null) return { ok: false, errors: ["单位群须选择所属单位。"] };
  return { ok: true, f: r.data };
}

function GroupForm(props: { a: AdminCtx; action: string; g?: Partial<GroupView>; units: UnitRow[]; isNew: boolean }) {
  const g = props.g ?? {};
  return (
    <form method="post" action={props.action} class="card">
      <Csrf a={props.a} />
      {props.isNew ? (
        <label class="f">
          <span>群 ID（企业微信 chatid / 钉钉 conversationId）</span> <input name="chatId" required maxlength={128} class="mono" value={g.chatId ?? ""} />
        </label>
      ) : null}
      <label class="f">
        <span>平台</span>{" "}
        <select name="platform">
          {PLATFORMS.map((p) => (
            <option value={p} selected={(g.platform ?? "wecom") === p}>{PLATFORM_LABEL[p]}</option>
          ))}
        </select>
      </label>
      <label class="f">
        <span>群名称</span> <input name="name" required maxlength={60} value={g.name ?? ""} />
      </label>
      <label class="f">
        <span>用途</span>{" "}
        <select name="purpose">
          {(Object.keys(PURPOSE_LABEL) as GroupView["purpose"][]).map((p) => (
            <option value={p} selected={g.purpose === p}>{PURPOSE_LABEL[p]}</option>
          ))}
        </select>
      </label>
      <label class="f">
        <span>所属单位</span>{" "}
        <select name="unitId">
          <option value="">（无）</option>
          {props.units.map((u) => (
            <option value={String(u.id)} selected={g.unitId === u.id}>{u.name}</option>
          ))}
        </select>
      </label>
      <button type="submit">{props.isNew ? "添加" : "保存"}</button>
    </form>
  );
}

/** The key field is write-only: it is never pre-filled, and the page shows only the last four characters. */
function KeyForm(props: { a: AdminCtx; g: GroupView }) {
  return (
    <form method="post" action={`/admin/groups/${props.g.id}/robot-key`} class="card inline" autocomplete="off">
      <Csrf a={props.a} />
      <span>群机器人密钥：{props.g.robotKeyMasked}</span>
      <input type="password" name="robotKey" autocomplete="off" placeholder="粘贴 Webhook 地址或 key" maxlength={300} />
      <button type="submit">{props.g.hasKey ? "更换" : "保存"}</button>
      {props.g.hasKey ? <button type="submit" name="clear" value="1" class="danger">清除</button> : null}
    </form>
  );
}

/** The list's robot column: a WeCom key, or a DingTalk custom robot (else the app robot sends), always masked. */
const robotSummary = (g: GroupView) =>
  g.platform === "dingtalk" ? (g.hasWebhook ? `Webhook ${g.webhookMasked}${g.hasSecret ? "（加签）" : ""}` : "应用机器人") : g.robotKeyMasked;

/**
 * A DingTalk group's custom robot (自定义机器人, optional): scheduled messages go to its webhook, signed with 加签
 * when a secret is stored; without one they go through the app robot. Both fields are write-only.
 */
function DingtalkRobotForm(props: { a: AdminCtx; g: GroupView }) {
  const g = props.g;
  return (
    <form method="post" action={`/admin/groups/${g.id}/dingtalk-robot`} class="card" autocomplete="off">
      <Csrf a={props.a} />
      <p>
        自定义机器人（可选）：Webhook {g.hasWebhook ? g.webhookMasked : "未设置"}；加签密钥 {g.hasSecret ? "已设置" : "未设置"}。未设置时定时消息由应用机器人发送。
        留空的输入框保留已保存的内容。
      </p>
      <label class="f">
        <span>Webhook 地址</span> <input type="password" name="webhook" autocomplete="off" maxlength={500} placeholder="https://oapi.dingtalk.com/robot/send?access_token=…（或只粘贴 access_token）" />
      </label>
      <label class="f">
        <span>加签密钥</span> <input type="password" name="secret" autocomplete="off" maxlength={210} placeholder="SEC…" />
      </label>
      <button type="submit">保存</button>
      {g.hasWebhook || g.hasSecret ? <button type="submit" name="clear" value="1" class="danger">清除</button> : null}
    </form>
  );
}

async function listPage(c: C, errors?: string[]) {
  const a = adminCtx(c);
  const [rows, units] = await Promise.all([listGroups(a.deps.db), listUnits(a.deps.db)]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  return adminPage(
    c,
    "群聊",
    "groups",
    <>
      <Flash c={c} />
      <Errors errors={errors} />
      <table class="wide">
        <thead>
          <tr><th>群名称</th><th>群 ID</th><th>平台</th><th>用途</th><th>所属单位</th><th>群机器人</th><th>操作</th></tr>
        </thead>
        <tbody>
          {rows.map((g) => (
            <tr>
              <td>{g.name}</td>
              <td class="mono">{g.chatId}</td>
              <td>{PLATFORM_LABEL[g.platform]}</td>
              <td>{PURPOSE_LABEL[g.purpose]}</td>
              <td>{g.unitId ? unitName.get(g.unitId) : "—"}</td>
              <td class="mono">{robotSummary(g)}</td>
              <td><a href={`/admin/groups/${g.id}`}>编辑</a></td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>添加群聊</h3>
      <GroupForm a={a} action="/admin/groups" units={units} isNew />
    </>,
    errors ? 400 : 200,
  );
}

async function groupPage(c: C, g: GroupView, errors?: string[]) {
  const a = adminCtx(c);
  const units = await listUnits(a.deps.db);
  return adminPage(c, `群聊：${g.name}`, "groups", <><Flash c={c} /><Errors errors={errors} /><GroupForm a={a} action={`/admin/groups/${g.id}`} g={g} units={units} isNew={false} />{g.platform === "dingtalk" ? <DingtalkRobotForm a={a} g={g} /> : <KeyForm a={a} g={g} />}</>, errors ? 400 : 200);
}

export function groupRoutes(): Hono<WebEnv> {
  const r = new Hono<WebEnv>();
  r.get("/", (c) => listPage(c));

  r.post("/", async (c) => {
    const a = adminCtx(c);
    const b = await formOf(c);
    const chatId = text(b, "chatId");
    const p = parseFields(b, await listUnits(a.deps.db));
    if (!p.ok) return listPage(c, p.errors);
    const idProblem = chatIdProblem(p.f.platform, chatId);
    if (idProblem) return listPage(c, [idProblem]);
    try {
      await saveWithAudit(a, [insertGroup(a.deps.db, chatId, p.f)], "admin.group.create", `group:${chatId}`, { ...p.f });
    } catch (e) {
      if (e instanceof DuplicateKey) return listPage(c, [`群 ID ${chatId} 已存在。`]);
      throw e;
    }
    return c.redirect("/admin/groups?ok=created", 303);
  });

  r.get("/:id", async (c) => {
    const id = idParam(c);
    const g = id ? await getGroup(c.get("deps").db, id) : undefined;
    return g ? groupPage(c, g) : notFoundPage(c, "群聊");
  });

  r.post("/:id", async (c) => {
    const a = adminCtx(c);
    const id = idParam(c);
    const g = id ? await getGroup(a.deps.db, id) : undefined;
    if (!g) return notFoundPage(c, "群聊");
    const p = parseFields(await formOf(c), await listUnits(a.deps.db));
    if (!p.ok) return groupPage(c, g, p.errors);
    await saveWithAudit(a, [updateGroup(a.deps.db, g.id, p.f)], "admin.group.update", `group:${g.chatId}`, { before: { name: g.name, purpose: g.purpose, unitId: g.unitId, platform: g.platform }, after: p.f });
    return c.redirect(`/admin/groups/${g.id}?ok=saved`, 303);
  });

  r.post("/:id/dingtalk-robot", async (c) => {
    const a = adminCtx(c);
    const id = idParam(c);
    const g = id ? await getGroup(a.deps.db, id) : undefined;
    if (!g) return notFoundPage(c, "群聊");
    if (g.platform !== "dingtalk") return groupPage(c, g, ["只有钉钉群可以设置自定义机器人。"]);
    const b = await formOf(c);
    if (text(b, "clear") === "1") {
      await saveWithAudit(a, [writeDingtalkRobot(a.deps.db, g.id, { webhook: null, secret: null })], "admin.group.dingtalk_robot_clear", `group:${g.chatId}`);
      return c.redirect(`/admin/groups/${g.id}?ok=keycleared`, 303);
    }
    const webhook = text(b, "webhook").trim() ? webhookUrlFrom(text(b, "webhook")) : "";
    const secret = text(b, "secret").trim();
    const errors = [webhook ? webhookProblem(webhook) : undefined, secret ? robotSecretProblem(secret) : undefined].filter((e): e is string => !!e);
    if (!webhook && !secret) errors.push("请填写 Webhook 地址或加签密钥（留空的项保持不变）。");
    if (secret && !webhook && !g.hasWebhook) errors.push("请先填写 Webhook 地址：加签密钥须与机器人的 Webhook 一起使用。");
    if (errors.length) return groupPage(c, g, errors);
    const robot = { ...(webhook ? { webhook } : {}), ...(secret ? { secret } : {}) };
    // The audit row names only what changed, masked (R38).
    await saveWithAudit(a, [writeDingtalkRobot(a.deps.db, g.id, robot)], "admin.group.dingtalk_robot_set", `group:${g.chatId}`, {
      ...(webhook ? { webhook: maskWebhook(webhook) } : {}),
      secretChanged: !!secret,
    });
    return c.redirect(`/admin/groups/${g.id}?ok=key`, 303);
  });

  r.post("/:id/robot-key", async (c) => {
    const a = adminCtx(c);
    const id = idParam(c);
    const g = id ? await getGroup(a.deps.db, id) : undefined;
    if (!g) return notFoundPage(c, "群聊");
    if (g.platform !== "wecom") return groupPage(c, g, ["群机器人密钥只用于企业微信群；钉钉群请设置自定义机器人的 Webhook。"]);
    const b = await formOf(c);
    if (text(b, "clear") === "1") {
      await saveWithAudit(a, [writeRobotKey(a.deps.db, g.id, null)], "admin.group.robot_key_clear", `group:${g.chatId}`);
      return c.redirect(`/admin/groups/${g.id}?ok=keycleared`, 303);
    }
    const key = robotKeyFrom(text(b, "robotKey"));
    if (!key) return groupPage(c, g, ["密钥格式不正确：请粘贴群机器人的 Webhook 地址，或其中 key= 后面的部分。"]);
    // The audit row names only the masked key.
    await saveWithAudit(a, [writeRobotKey(a.deps.db, g.id, key)], "admin.group.robot_key_set", `group:${g.chatId}`, { masked: `…${key.slice(-4)}` });
    return c.redirect(`/admin/groups/${g.id}?ok=key`, 303);
  });
  return r;
}
