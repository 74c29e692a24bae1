/**
 * Separation of duties across accounts (R34): one administrator cannot turn accounts into auditors or dispatchers
 * and sign in as them. Sensitive grants wait for a second administrator (or the host's CLI); passwords are set by
 * the person through a one-time link the bot sends in single chat. Real libSQL file, real hashing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, loginLinks, outbox, people, roleChanges } from "../../src/db/schema.js";
import { webHasher } from "../../src/web/auth/password.js";
import { createAdmin } from "../../src/web/auth/create-admin.js";
import { roleChangesCommand } from "../../src/cli-admin.js";
import { get, login, loginForm, personId, post, sessionFor, totalChanges, webApp } from "../helpers/web.js";
import { SimHub, type SimEvent } from "../../src/bot/sim/hub.js";
import { simDeliver } from "../../src/bot/sim/deliver.js";
import { sendRow } from "../../src/delivery/channels.js";

type W = Awaited<ReturnType<typeof webApp>>;
let w: W;
let admin: { cookie: string; csrf: string };
let admin2: { cookie: string; csrf: string };
const PW = "第二位管理员 的长密码";

beforeAll(async () => {
  w = await webApp();
  admin = await sessionFor(w.db, "admin", w.clock());
  await createAdmin(w.db, webHasher, { userId: "admin2", name: "第二管理员", password: PW }, w.clock());
  admin2 = await sessionFor(w.db, "admin2", w.clock());
});
afterAll(() => w.store.cleanup());

/** A form POST as `who`; repeated fields (roles) as arrays. */
function send(who: { cookie: string; csrf: string }, path: string, fields: Record<string, string | string[]> = {}) {
  const body = new URLSearchParams({ _csrf: who.csrf });
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, x);
  return w.app.request(`http://localhost${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie: who.cookie, origin: "http://localhost" }, body: body.toString() });
}
const person = async (userId: string) => (await w.db.select().from(people).where(eq(people.userId, userId)))[0];
const pendingOf = async (userId: string) =>
  (await w.db.select().from(roleChanges).where(and(eq(roleChanges.personId, (await person(userId)).id), eq(roleChanges.status, "pending"))))[0];
const audits = (action: string) => w.db.select().from(auditLog).where(eq(auditLog.action, action));

describe("one administrator alone cannot make an auditor or a dispatcher and become them", () => {
  it("creates the accounts with no sensitive role, cannot set their passwords, cannot approve its own grant", async () => {
    expect((await send(admin, "/admin/people", { userId: "evil.audit", name: "假审计", roles: ["auditor"] })).status).toBe(303);
    expect((await send(admin, "/admin/people", { userId: "evil.disp", name: "假调度", roles: ["dispatcher", "officer"] })).status).toBe(303);
    expect((await person("evil.audit")).roles).toEqual([]);
    expect((await person("evil.disp")).roles).toEqual(["officer"]);
    expect((await pendingOf("evil.audit")).rolesAfter).toEqual(["auditor"]);

    // Setting another person's password from the admin page no longer exists.
    const setPw = await send(admin, `/admin/people/${(await person("evil.audit")).id}/password`, { password: "我自己定的密码123" });
    expect(setPw.status).toBe(404);
    expect((await person("evil.audit")).passwordHash).toBeNull();

    const own = await send(admin, `/admin/people/role-changes/${(await pendingOf("evil.audit")).id}/approve`);
    expect(own.status).toBe(409);
    expect(await own.text()).toContain("不能审批自己提出的角色变更");
    expect((await person("evil.audit")).roles).toEqual([]);
    expect((await audits("admin.role.approve")).filter((r) => r.result === "denied")).toHaveLength(1);

    // Adding a sensitive role to an existing account waits too; the roles it had stay.
    const officer = await person("hh.officer");
    expect((await send(admin, `/admin/people/${officer.id}`, { name: officer.name, unitId: String(officer.unitId), roles: ["officer", "dispatcher"] })).status).toBe(303);
    expect((await person("hh.officer")).roles).toEqual(officer.roles);
    expect((await pendingOf("hh.officer")).rolesAfter).toEqual(["dispatcher", "officer"]);

    // The list shows what waits; the proposer gets no 批准 button, another administrator does.
    const mine = await (await get(w.app, "/admin/people", admin.cookie)).text();
    expect(mine).toContain("待审批的角色变更");
    expect(mine).toContain("角色变更待审批");
    expect(mine).not.toContain("/approve");
    expect(await (await get(w.app, "/admin/people", admin2.cookie)).text()).toContain(`/admin/people/role-changes/${(await pendingOf("evil.audit")).id}/approve`);

    // Nothing to sign in with: no password, and a session (were one obtained) still reads no audit log.
    expect((await login(w.app, "evil.audit", "我自己定的密码123")).res.status).toBe(401);
    const s = await sessionFor(w.db, "evil.audit", w.clock());
    expect((await get(w.app, "/admin/audit", s.cookie)).status).toBe(403);
  });

  it("sends a password link the administrator cannot read: only the person's single chat gets it", async () => {
    const id = (await person("evil.disp")).id;
    expect((await send(admin, `/admin/people/${id}/password-link`)).status).toBe(303);
    const [row] = await w.db.select().from(outbox).where(eq(outbox.idempotencyKey, (await w.db.select().from(outbox)).find((o) => o.idempotencyKey.startsWith("password-link:"))!.idempotencyKey));
    expect([row.channel, row.target]).toEqual(["user", "evil.disp"]);
    const token = /\/password\/set\/([\w-]{43})/.exec((row.payload as { text: string }).text)![1];
    for (const status of ["pending", "sent", "failed"]) {
      const page = await (await get(w.app, `/admin/outbox?status=${status}`, admin.cookie)).text();
      expect(page).not.toContain(token);
    }
    expect(await (await get(w.app, `/admin/people/${id}`, admin.cookie)).text()).not.toContain(token);
    // In local mode the simulator shows it in the person's single chat.
    const hub = new SimHub();
    const seen: SimEvent[] = [];
    hub.subscribe((e) => seen.push(e));
    expect(await sendRow(simDeliver(hub, w.clock), row)).toEqual({ ok: true });
    expect(seen.map((e) => [e.chatId, e.markdown.includes(token)])).toEqual([["single:evil.disp", true]]);
  });

  it("applies a grant only when a different administrator approves; rejections and stale proposals apply nothing", async () => {
    const change = await pendingOf("evil.audit");
    expect((await send(admin2, `/admin/people/role-changes/${change.id}/approve`)).status).toBe(303);
    expect((await person("evil.audit")).roles).toEqual(["auditor"]);
    expect((await send(admin2, `/admin/people/role-changes/${change.id}/approve`)).status).toBe(404); // decided once

    const disp = await pendingOf("evil.disp");
    expect((await send(admin2, `/admin/people/role-changes/${disp.id}/reject`)).status).toBe(303);
    expect((await person("evil.disp")).roles).toEqual(["officer"]);

    // The officer's roles change after the proposal: approving it now would grant from a state nobody reviewed.
    const stale = await pendingOf("hh.officer");
    const o = await person("hh.officer");
    expect((await send(admin, `/admin/people/${o.id}`, { name: o.name, unitId: String(o.unitId), roles: ["unit_head"] })).status).toBe(303);
    const res = await send(admin2, `/admin/people/role-changes/${stale.id}/approve`);
    expect(res.status).toBe(409);
    expect((await person("hh.officer")).roles).toEqual(["unit_head"]);
    expect((await w.db.select().from(roleChanges).where(eq(roleChanges.id, stale.id)))[0].status).toBe("stale");

    // Removing a sensitive role applies at once (least privilege).
    const d = await person("disp");
    expect((await send(admin, `/admin/people/${d.id}`, { name: d.name, roles: ["officer"] })).status).toBe(303);
    expect((await person("disp")).roles).toEqual(["officer"]);

    const proposals = await audits("admin.role.propose");
    expect(proposals.map((r) => r.actor)).toEqual(["admin", "admin", "admin"]);
    const approvals = (await audits("admin.role.approve")).filter((r) => r.result === "ok");
    expect(approvals.map((r) => [r.actor, r.object])).toEqual([["admin2", `person:${await personId(w.db, "evil.audit")}`]]);
    expect(await audits("admin.role.reject")).toHaveLength(1);
  });

  it("shows every role change to the auditor", async () => {
    const auditor = await sessionFor(w.db, "audit", w.clock());
    const html = await (await get(w.app, "/admin/audit", auditor.cookie)).text();
    expect(html).toContain("角色变更");
    expect(html).toMatch(/evil\.audit[\s\S]*?审计员[\s\S]*?已批准[\s\S]*?admin2/);
    expect(html).toContain("已驳回");
    expect(html).toContain("已作废");
    const filtered = await (await get(w.app, "/admin/audit?action=admin.role.", auditor.cookie)).text();
    expect(filtered).toContain("admin.role.approve");
    expect(filtered).toContain("admin.role.propose");
  });

  it("lets the operator on the host approve, so an install with one administrator can still grant a role", async () => {
    const h = await person("hh.head");
    expect((await send(admin, `/admin/people/${h.id}`, { name: h.name, unitId: String(h.unitId), roles: ["leader"] })).status).toBe(303);
    const change = await pendingOf("hh.head");
    expect(await roleChangesCommand(w.db, "approve", change.id, w.clock())).toBe(0);
    expect((await person("hh.head")).roles).toEqual(["leader"]);
    const [row] = (await audits("admin.role.approve")).filter((r) => r.actor === "(cli)");
    expect([row.result, row.source]).toEqual(["ok", "cli"]);
    expect(await roleChangesCommand(w.db, "approve", change.id, w.clock())).toBe(2); // already decided
  });
});

describe("the person sets their own password through the one-time link (R34)", () => {
  it("shows the form without writing, refuses a mismatch, sets the password once, then the link is dead", async () => {
    const id = await personId(w.db, "sm.head");
    expect((await send(admin, `/admin/people/${id}/password-link`)).status).toBe(303);
    const row = (await w.db.select().from(outbox).where(eq(outbox.target, "sm.head"))).find((o) => o.idempotencyKey.startsWith("password-link:"))!;
    const token = /\/password\/set\/([\w-]{43})/.exec((row.payload as { text: string }).text)![1];
    expect((await get(w.app, `/login/link/${token}`)).status).toBe(404); // never a sign-in link

    const earlier = await sessionFor(w.db, "sm.head", w.clock());
    const f = await loginForm(w.app);
    const before = await totalChanges(w.db);
    const page = await w.app.request(`http://localhost/password/set/${token}`, { headers: { cookie: f.cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("设置登录密码");
    expect(await totalChanges(w.db)).toBe(before); // the GET wrote nothing (R33)

    const pw = "我自己选的 一句话密码";
    const mismatch = await post(w.app, `/password/set/${token}`, { _csrf: f.csrf, password: pw, again: `${pw}!` }, { cookie: f.cookie });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain("两次输入的密码不一致");
    const ok = await post(w.app, `/password/set/${token}`, { _csrf: f.csrf, password: pw, again: pw }, { cookie: f.cookie });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("密码已设置");
    expect((await get(w.app, "/dashboard", earlier.cookie)).status).toBe(401); // setting it ended the old sessions
    expect((await login(w.app, "sm.head", pw)).res.status).toBe(303);
    const again = await post(w.app, `/password/set/${token}`, { _csrf: f.csrf, password: "另一个 足够长的密码", again: "另一个 足够长的密码" }, { cookie: f.cookie });
    expect(again.status).toBe(400);
    expect((await login(w.app, "sm.head", pw)).res.status).toBe(303); // unchanged by the second try
    const [set] = await audits("auth.password_set");
    expect([set.actor, set.result, set.object]).toEqual(["sm.head", "ok", `person:${id}`]);
    const [link] = await w.db.select().from(loginLinks).where(eq(loginLinks.personId, id));
    expect(link.usedAt).not.toBeNull();
  });
});
