/** 单位: list, add, edit (aliases, head, liaisons, deputy), disable/enable. */
import { Hono } from "hono";
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)
import type { WebEnv } from "../context.js";
import { DuplicateKey } from "../../db/write.js";
import { getUnit, insertUnit, listUnits, peopleDirectory, setUnitActive, unknownUserIds, updateUnit, type UnitFields, type UnitRow } from "../../db/admin/units.js";
import { adminCtx, adminPage, Csrf, Errors, Flash, formOf, idParam, notFoundPage, PostButton, saveWithAudit, splitList, text, type AdminCtx, type Body, type C } from "./common.js";

const KIND_LABEL: Record<UnitRow["kind"], string> = { street: "街道", department: "部门", office: "本办" };
const userId = z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, "账号格式不正确");
const fieldsSchema = z.object({
  name: z.string().min(2, "单位名称至少 2 个字").max(40, "单位名称不超过 40 个字"),
  kind: z.enum(["street", "department", "office"], { message: "请选择单位类型" }),
  aliases: z.array(z.string().max(20, "别名不超过 20 个字")).max(20, "别名最多 20 个"),
  headUserId: userId.nullable(),
  deputyUserId: userId.nullable(),
  liaisonUserIds: z.array(userId).max(20, "联络员最多 20 人"),
});

/** Validate the form; userids must name registered people. */
async function parseUnit(a: AdminCtx, b: Body): Promise<{ ok: true; f: UnitFields } | { ok: false; errors: string[] }> {
  const r = fieldsSchema.safeParse({
    name: text(b, "name"),
    kind: text(b, "kind"),
    aliases: splitList(text(b, "aliases")),
    headUserId: text(b, "headUserId") || null,
    deputyUserId: text(b, "deputyUserId") || null,
    liaisonUserIds: splitList(text(b, "liaisonUserIds")),
  });
  if (!r.success) return { ok: false, errors: r.error.issues.map((i) => i.message) };
  const f = r.data;
  const unknown = await unknownUserIds(a.deps.db, [f.headUserId, f.deputyUserId, ...f.liaisonUserIds].filter((x): x is string => !!x));
  if (unknown.length) return { ok: false, errors: [`以下账号未登记：${unknown.join("、")}（请先在「人员」中添加）`] };
  return { ok: true, f };
}

function UnitForm(props: { a: AdminCtx; action: string; u?: Partial<UnitRow>; people: { userId: string; name: string }[]; submit: string }) {
  const u = props.u ?? {};
  return (
    <form method="post" action={props.action} class="card">
      <Csrf a={props.a} />
      <datalist id="people">
        {props.people.map((p) => (
          <option value={p.userId}>{p.name}</option>
        ))}
      </datalist>
      <label class="f">
        <span>单位名称</span> <input name="name" required maxlength={40} value={u.name ?? ""} />
      </label>
      <label class="f">
        <span>类型</span>{" "}
        <select name="kind">
          {(["street", "department", "office"] as const).map((k) => (
            <option value={k} selected={u.kind === k}>
              {KIND_LABEL[k]}
            </option>
          ))}
        </select>
      </label>
      <label class="f">
        <span>别名</span> <input name="aliases" value={(u.aliases ?? []).join("、")} placeholder="用顿号或逗号分隔，如：荷花池、荷街" />
      </label>
      <label class="f">
        <span>负责人账号</span> <input name="headUserId" list="people" value={u.headUserId ?? ""} />
      </label>
      <label class="f">
        <span>联络员账号</span> <input name="liaisonUserIds" list="people" value={(u.liaisonUserIds ?? []).join("、")} placeholder="可填多个" />
      </label>
      <label class="f">
        <span>替补（副职）账号</span> <input name="deputyUserId" list="people" value={u.deputyUserId ?? ""} />
      </label>
      <button type="submit">{props.submit}</button>
    </form>
  );
}

async function listPage(c: C, errors?: string[], draft?: Partial<UnitRow>) {
  const a = adminCtx(c);
  const [rows, ppl] = await Promise.all([listUnits(a.deps.db), peopleDirectory(a.deps.db)]);
  const name = new Map(ppl.map((p) => [p.userId, p.name]));
  const who = (id: string | null) => (id ? `${name.get(id) ?? "?"}（${id}）` : "—");
  return adminPage(
    c,
    "单位",
    "units",
    <>
      <Flash c={c} />
      <Errors errors={errors} />
      <table class="wide">
        <thead>
          <tr><th>名称</th><th>类型</th><th>别名</th><th>负责人</th><th>联络员</th><th>替补</th><th>状态</th><th>操作</th></tr>
        </thead>
        <tbody>
          {rows.map((u) => (
            <tr class={u.active ? "" : "muted"}>
              <td>{u.name}</td>
              <td>{KIND_LABEL[u.kind]}</td>
              <td>{u.aliases.join("、")}</td>
              <td>{who(u.headUserId)}</td>
              <td>{u.liaisonUserIds.map(who).join("、") || "—"}</td>
              <td>{who(u.deputyUserId)}</td>
              <td>{u.active ? "启用" : "已停用"}</td>
              <td>
                <a href={`/admin/units/${u.id}`}>编辑</a>{" "}
                <PostButton a={a} action={`/admin/units/${u.id}/active`} label={u.active ? "停用" : "启用"} danger={u.active} fields={{ active: u.active ? "0" : "1" }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>添加单位</h3>
      <UnitForm a={a} action="/admin/units" u={draft} people={ppl} submit="添加" />
    </>,
    errors ? 400 : 200,
  );
}

export function unitRoutes(): Hono<WebEnv> {
  const r = new Hono<WebEnv>();
  r.get("/", (c) => listPage(c));

  r.post("/", async (c) => {
    const a = adminCtx(c);
    const b = await formOf(c);
    const p = await parseUnit(a, b);
    if (!p.ok) return listPage(c, p.errors, { name: text(b, "name") });
    try {
      await saveWithAudit(a, [insertUnit(a.deps.db, p.f)], "admin.unit.create", `unit:${p.f.name}`, { ...p.f });
    } catch (e) {
      if (e instanceof DuplicateKey) return listPage(c, [`单位「${p.f.name}」已存在。`], p.f);
      throw e;
    }
    return c.redirect("/admin/units?ok=created", 303);
  });

  r.get("/:id", async (c) => {
    const a = adminCtx(c);
    const id = idParam(c);
    const u = id ? await getUnit(a.deps.db, id) : undefined;
    if (!u) return notFoundPage(c, "单位");
    const ppl = await peopleDirectory(a.deps.db);
    return adminPage(c, `编辑单位：${u.name}`, "units", <UnitForm a={a} action={`/admin/units/${u.id}`} u={u} people={ppl} submit="保存" />);
  });

  r.post("/:id", async (c) => {
    const a = adminCtx(c);
    const id = idParam(c);
    const u = id ? await getUnit(a.deps.db, id) : undefined;
    if (!u) return notFoundPage(c, "单位");
    const b = await formOf(c);
    const p = await parseUnit(a, b);
    if (!p.ok) {
      const ppl = await peopleDirectory(a.deps.db);
      return adminPage(c, `编辑单位：${u.name}`, "units", <><Errors errors={p.errors} /><UnitForm a={a} action={`/admin/units/${u.id}`} u={u} people={ppl} submit="保存" /></>, 400);
    }
    try {
      await saveWithAudit(a, [updateUnit(a.deps.db, u.id, p.f)], "admin.unit.update", `unit:${u.id}`, { before: { name: u.name, aliases: u.aliases, headUserId: u.headUserId, deputyUserId: u.deputyUserId, liaisonUserIds: u.liaisonUserIds }, after: p.f });
    } catch (e) {
      if (e instanceof DuplicateKey) return listPage(c, [`单位「${p.f.name}」已存在。`]);
      throw e;
    }
    return c.redirect("/admin/units?ok=saved", 303);
  });

  r.post("/:id/active", async (c) => {
    const a = adminCtx(c);
    const id = idParam(c);
    const u = id ? await getUnit(a.deps.db, id) : undefined;
    if (!u) return notFoundPage(c, "单位");
    const active = text(await formOf(c), "active") === "1";
    await saveWithAudit(a, [setUnitActive(a.deps.db, u.id, active)], active ? "admin.unit.enable" : "admin.unit.disable", `unit:${u.id}`);
    return c.redirect(`/admin/units?ok=${active ? "enabled" : "disabled"}`, 303);
  });
  return r;
}
