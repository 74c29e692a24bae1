/** 人员: list, add, edit roles and unit, disable (ends sessions), end sessions, set a password. */
import { Hono } from "hono";
import type { WebEnv } from "../context.js";
import { DuplicateKey } from "../../db/write.js";
import { personSchema } from "./person-schema.js";
import { getPerson, insertPerson, listPeople, setPasswordHash, setPersonActive, updatePerson, type PersonFields, type PersonRow } from "../../db/admin/people.js";
import { listUnits } from "../../db/admin/units.js";
import { endSessionsOf } from "../../db/sessions.js";
import { resetMfa } from "../../db/mfa.js";
import { hashPassword, passwordProblem, webHasher } from "../auth/password.js";
import { adminCtx, adminPage, Errors, Flash, formOf, idParam, notFoundPage, saveWithAudit, text, texts, type AdminCtx, type Body, type C } from "./common.js";
import { PeopleTable, PersonActions, PersonForm } from "./people-view.js";

async function parsePerson(a: AdminCtx, b: Body, userId: string): Promise<{ ok: true; f: PersonFields } | { ok: false; errors: string[] }> {
  const unit = text(b, "unitId");
  const r = personSchema.safeParse({ userId, name: text(b, "name"), mobile: text(b, "mobile") || null, unitId: unit ? Number(unit) : null, roles: texts(b, "roles") });
  if (!r.success) return { ok: false, errors: r.error.issues.map((i) => i.message) };
  if (r.data.unitId !== null && !(await listUnits(a.deps.db)).some((u) => u.id === r.data.unitId)) return { ok: false, errors: ["所选单位不存在。"] };
  return { ok: true, f: r.data };
}

async function listPage(c: C, errors?: string[], draft?: Partial<PersonRow>) {
  const a = adminCtx(c);
  const unitQ = Number(c.req.query("unit") ?? "");
  const q = (c.req.query("q") ?? "").slice(0, 32);
  const inactive = c.req.query("inactive") === "1";
  const [rows, units] = await Promise.all([listPeople(a.deps.db, { unitId: unitQ > 0 ? unitQ : undefined, q, inactive }), listUnits(a.deps.db)]);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  return adminPage(
    c,
    "人员",
    "people",
    <>
      <Flash c={c} />
      <Errors errors={errors} />
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
      <PeopleTable a={a} rows={rows} unitName={unitName} />
      <h3>添加人员</h3>
      <PersonForm a={a} action="/admin/people" p={draft} units={units} submit="添加" isNew />
    </>,
    errors ? 400 : 200,
  );
}

async function personPage(c: C, p: PersonRow, errors?: string[]) {
  const a = adminCtx(c);
  const units = await listUnits(a.deps.db);
  return adminPage(
    c,
    `人员：${p.name}`,
    "people",
    <>
      <Flash c={c} />
      <Errors errors={errors} />
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

  r.post("/", async (c) => {
    const a = adminCtx(c);
    const b = await formOf(c);
    const p = await parsePerson(a, b, text(b, "userId"));
    if (!p.ok) return listPage(c, p.errors, { userId: text(b, "userId"), name: text(b, "name") });
    try {
      await saveWithAudit(a, [insertPerson(a.deps.db, p.f)], "admin.person.create", `person:${p.f.userId}`, { roles: p.f.roles, unitId: p.f.unitId });
    } catch (e) {
      if (e instanceof DuplicateKey) return listPage(c, [`账号 ${p.f.userId} 已存在。`], p.f);
      throw e;
    }
    return c.redirect("/admin/people?ok=created", 303);
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
    // A change of roles takes effect on the next request: sessions read roles from the person row.
    await saveWithAudit(a, [updatePerson(a.deps.db, cur.id, fields)], "admin.person.update", `person:${cur.id}`, {
      before: { name: cur.name, unitId: cur.unitId, roles: cur.roles, mobileChanged: cur.mobile !== fields.mobile },
      after: { name: fields.name, unitId: fields.unitId, roles: fields.roles },
    });
    return c.redirect(`/admin/people/${cur.id}?ok=saved`, 303);
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

  r.post("/:id/password", async (c) => {
    const a = adminCtx(c);
    const cur = await loadPerson(c);
    if (!cur) return notFoundPage(c, "人员");
    const raw = (await formOf(c))["password"];
    const password = typeof raw === "string" ? raw : ""; // never trimmed: spaces are part of a passphrase
    const problem = passwordProblem(password);
    if (problem) return personPage(c, cur, [problem]);
    const hash = await hashPassword(a.deps.passwords ?? webHasher, password);
    await saveWithAudit(a, setPasswordHash(a.deps.db, cur.id, hash, a.now), "admin.person.set_password", `person:${cur.id}`, { algo: hash.split("$")[0] });
    return c.redirect(`/admin/people/${cur.id}?ok=password`, 303);
  });
  return r;
}
