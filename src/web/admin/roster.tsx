/** 名册导入: upload .xlsx or .csv → preview with per-row errors → all-or-nothing apply, idempotent on 账号. */
import { Hono } from "hono";
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)
import type { WebEnv } from "../context.js";
import { ROLE_LABEL } from "../../domain/labels.js";
import { allPeople, insertPerson, updatePerson } from "../../db/admin/people.js";
import { proposeRoleChange } from "../../db/admin/role-changes.js";
import { splitGrant } from "../../domain/role-grants.js";
import { listUnits } from "../../db/admin/units.js";
import { readTable, TableReadError } from "../../sheets/read.js";
import { adminCtx, adminPage, Csrf, Errors, Flash, formOf, saveWithAudit, text, type AdminCtx, type C } from "./common.js";
import { MAX_ROSTER_ROWS, planRoster, readRoster, type RosterInput, type RosterRow } from "./roster-parse.js";

const ACTION_LABEL: Record<RosterRow["action"], string> = { create: "新增", update: "更新", same: "不变", error: "错误" };

const payloadSchema = z
  .array(z.object({ line: z.number().int(), userId: z.string().max(200), name: z.string().max(200), mobile: z.string().max(50).nullable(), unitName: z.string().max(100).nullable(), roles: z.array(z.string().max(30)).max(10), dingtalkId: z.string().max(100).nullable().optional() }))
  .max(MAX_ROSTER_ROWS);

function UploadForm(props: { a: AdminCtx }) {
  return (
    <form method="post" action="/admin/roster/preview" enctype="multipart/form-data" class="card">
      <Csrf a={props.a} />
      <p>
        上传名册（.xlsx 或 .csv，≤ 10 MB）。表头可任意顺序：<b>账号</b>、<b>姓名</b>（必填），手机、单位、角色、钉钉ID（选填；角色写中文名称，多个用顿号分隔，
        未填写按「责任人」；钉钉ID 为员工在钉钉的 userid，留空不修改）。先预览，确认无误后一次性导入；已存在的账号按名册更新，内容相同的不变。
      </p>
      <input type="file" name="file" accept=".xlsx,.csv" required /> <button type="submit">预览</button>
    </form>
  );
}

async function preview(c: C, a: AdminCtx, inputs: RosterInput[], fileErrors: string[] = []) {
  const [units, people] = await Promise.all([listUnits(a.deps.db), allPeople(a.deps.db)]);
  const rows = planRoster(inputs, units, people);
  const bad = rows.filter((r) => r.action === "error").length;
  const changes = rows.filter((r) => r.action === "create" || r.action === "update").length;
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  return adminPage(
    c,
    "名册导入预览",
    "roster",
    <>
      <Errors errors={fileErrors} />
      <p>
        共 {rows.length} 行：新增 {rows.filter((r) => r.action === "create").length}，更新 {rows.filter((r) => r.action === "update").length}，不变{" "}
        {rows.filter((r) => r.action === "same").length}，<span class={bad ? "warn" : ""}>错误 {bad}</span>。
      </p>
      {bad ? <div class="notice error">有 {bad} 行错误：请修改文件后重新上传，全部正确后才能导入（不会部分导入）。</div> : null}
      {!bad && changes === 0 && rows.length ? <div class="notice ok">名册与现有数据一致，没有需要导入的变更。</div> : null}
      {!bad && changes > 0 ? (
        <form method="post" action="/admin/roster/apply" class="card">
          <Csrf a={a} />
          <input type="hidden" name="payload" value={JSON.stringify(inputs)} />
          <button type="submit">确认导入 {changes} 项变更</button>
        </form>
      ) : null}
      <table class="wide">
        <thead>
          <tr><th>行</th><th>账号</th><th>钉钉 ID</th><th>姓名</th><th>单位</th><th>角色</th><th>处理</th><th>问题</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td>{r.line}</td>
              <td class="mono">{r.userId}</td>
              <td class="mono">{r.dingtalkId ?? "—"}</td>
              <td>{r.name}</td>
              <td>{r.unitId ? unitName.get(r.unitId) : (r.unitName ?? "—")}</td>
              <td>{r.roles.map((x) => ROLE_LABEL[x] ?? x.replace(/^\?/, "")).join("、")}</td>
              <td class={r.action === "error" ? "warn" : ""}>{ACTION_LABEL[r.action]}</td>
              <td class="warn">{r.errors.join("；")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>重新上传</h3>
      <UploadForm a={a} />
    </>,
    bad || fileErrors.length ? 400 : 200,
  );
}

export function rosterRoutes(): Hono<WebEnv> {
  const r = new Hono<WebEnv>();

  r.get("/", (c) => {
    const a = adminCtx(c);
    return adminPage(c, "名册导入", "roster", <><Flash c={c} /><UploadForm a={a} /></>);
  });

  r.post("/preview", async (c) => {
    const a = adminCtx(c);
    const file = (await formOf(c))["file"];
    if (!(file instanceof File) || file.size === 0) return preview(c, a, [], ["请选择要上传的名册文件（.xlsx 或 .csv）。"]);
    try {
      const sheets = await readTable(new Uint8Array(await file.arrayBuffer()));
      const { inputs, errors } = readRoster(sheets[0]?.rows ?? []);
      return preview(c, a, inputs, errors);
    } catch (e) {
      if (e instanceof TableReadError) return preview(c, a, [], [e.message]);
      throw e;
    }
  });

  r.post("/apply", async (c) => {
    const a = adminCtx(c);
    let inputs: RosterInput[];
    try {
      inputs = payloadSchema.parse(JSON.parse(text(await formOf(c), "payload"))) as RosterInput[];
    } catch {
      return preview(c, a, [], ["导入数据无效，请重新上传名册。"]);
    }
    // Decide again on current data: someone may have changed people since the preview.
    const [units, people] = await Promise.all([listUnits(a.deps.db), allPeople(a.deps.db)]);
    const rows = planRoster(inputs, units, people);
    if (rows.some((x) => x.action === "error")) return preview(c, a, inputs);
    const { db } = a.deps;
    const creates = rows.filter((x) => x.action === "create");
    const updates = rows.filter((x) => x.action === "update");
    // Added sensitive roles (调度员, 领导) wait for a second administrator, as on the 人员 page (R34).
    const held = new Map(people.map((p) => [p.id, p.roles]));
    const grant = (x: RosterRow) => splitGrant(x.personId ? (held.get(x.personId) ?? []) : [], x.roles);
    // A blank 钉钉ID keeps the stored one; a given one is set (planRoster checked that nobody else holds it).
    const fields = (x: RosterRow) => ({ name: x.name, mobile: x.mobile, unitId: x.unitId, roles: grant(x).now, ...(x.dingtalkId ? { dingtalkId: x.dingtalkId } : {}) });
    const proposed = [...creates, ...updates].filter((x) => grant(x).pending);
    const by = { userId: a.user.userId, personId: a.user.personId, source: a.source };
    if (creates.length + updates.length === 0) return c.redirect("/admin/roster?ok=imported", 303);
    await saveWithAudit(
      a,
      [
        ...creates.map((x) => insertPerson(db, { userId: x.userId, ...fields(x) })),
        ...updates.map((x) => updatePerson(db, x.personId!, fields(x))),
        ...proposed.flatMap((x) => proposeRoleChange(db, x.personId ?? { userId: x.userId }, grant(x).now, grant(x).pending!, by, a.now)),
      ],
      "admin.roster.import",
      "people",
      { created: creates.map((x) => x.userId), updated: updates.map((x) => x.userId), unchanged: rows.length - creates.length - updates.length, pendingRoles: proposed.map((x) => x.userId) },
    );
    return c.redirect("/admin/roster?ok=imported", 303);
  });
  return r;
}
