/** Every route × role against the policy table (R34), and the admin pages' behaviour: one batch + audit row per write. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { auditLog, calendarDays, groups, outbox, people, policies, units } from "../../src/db/schema.js";
import { ROLES, type Role } from "../../src/db/schema.js";
import { ROUTE_POLICY, type Access } from "../../src/web/route-policy.js";
import { API_POLICY } from "../../src/api/policy.js";
import { loadPolicy } from "../../src/db/policy.js";
import { parseConfig } from "../../src/config.js";
import { get, loginForm, ORIGIN, personId, post, ROLE_USER, routesOf, samplePath, sessionFor, webApp } from "../helpers/web.js";

let w: Awaited<ReturnType<typeof webApp>>;
beforeAll(async () => {
  w = await webApp();
});
afterAll(() => w.store.cleanup());

/** The roles a route allows; undefined when the route is not role-gated (public, machine, simulator). */
function allowed(key: string, access: Access): readonly Role[] | "public" | undefined {
  if (access === "api") {
    const a = API_POLICY[key];
    return a === "public" ? "public" : a;
  }
  return Array.isArray(access) ? access : access === "public" ? "public" : undefined;
}

describe("RBAC matrix (R34): every registered route has a policy, and the app enforces it for every role", () => {
  it("has no route without a row in the policy table (default deny)", () => {
    const missing = routesOf(w.app).map((r) => `${r.method} ${r.path}`).filter((k) => !(k in ROUTE_POLICY));
    expect(missing, "add these routes to src/web/route-policy.ts").toEqual([]);
  });

  it("keeps the separation of duties in the table: the audit log is the auditor's alone, and the auditor sees nothing else", () => {
    expect(ROUTE_POLICY["GET /admin/audit"]).toEqual(["auditor"]);
    for (const [key, access] of Object.entries(ROUTE_POLICY)) {
      const roles = allowed(key, access);
      if (Array.isArray(roles) && key !== "GET /admin/audit") expect(roles, key).not.toContain("auditor");
      if (key.includes(" /admin")) expect(roles, key).toEqual(key === "GET /admin/audit" ? ["auditor"] : ["admin"]);
    }
  });

  it("answers each (route, role) as the table says: allowed → no 401/403, other roles → 403, anonymous → sign-in", async () => {
    const tuples: string[] = [];
    for (const r of routesOf(w.app)) {
      const key = `${r.method} ${r.path}`;
      const roles = allowed(key, ROUTE_POLICY[key]);
      if (!roles || r.path === "/sim/stream") continue; // machine and simulator endpoints authenticate otherwise
      const path = samplePath(r.path);
      for (const role of [undefined, ...ROLES]) {
        // A fresh session per request (a POST /logout must not spoil the next tuple); anonymous posts carry the
        // pre-sign-in form token, so what answers is the role check, not the CSRF check.
        const s = role ? await sessionFor(w.db, ROLE_USER[role], w.clock()) : await loginForm(w.app);
        const res = r.method === "GET" ? await get(w.app, path, role ? s.cookie : undefined) : await post(w.app, path, { _csrf: s.csrf }, { cookie: s.cookie });
        const what = `${key} as ${role ?? "anonymous"} → ${res.status}`;
        tuples.push(what);
        if (roles === "public") {
          expect(res.status, what).not.toBe(403);
        } else if (!role) {
          if (r.path.startsWith("/api/")) expect(res.status, what).toBe(401);
          else expect([res.status, res.headers.get("location")?.split("?")[0]], what).toEqual([302, "/login"]);
        } else if (roles.includes(role)) {
          expect([401, 403], what).not.toContain(res.status);
          expect(res.headers.get("location") ?? "", what).not.toMatch(/^\/login/);
        } else {
          expect(res.status, what).toBe(403);
        }
      }
    }
    expect(tuples.length).toBeGreaterThan(300);
  });
});

describe("admin pages", () => {
  let admin: { cookie: string; csrf: string };
  const send = (path: string, fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams({ _csrf: admin.csrf });
    for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) body.append(k, x);
    return w.app.request(`${ORIGIN}${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie: admin.cookie, origin: ORIGIN }, body: body.toString() });
  };
  const page = async (path: string) => (await get(w.app, path, admin.cookie)).text();
  const audits = async (action: string) => w.db.select().from(auditLog).where(eq(auditLog.action, action));
  beforeAll(async () => {
    admin = await sessionFor(w.db, "admin", w.clock());
  });

  it("adds and edits a unit (aliases, head, liaisons, deputy) and disables it, each with its audit row", async () => {
    expect((await send("/admin/units", { name: "抚琴街道", kind: "street", aliases: "抚琴、抚琴街", headUserId: "hh.head" })).status).toBe(303);
    const [u] = await w.db.select().from(units).where(eq(units.name, "抚琴街道"));
    expect(u.aliases).toEqual(["抚琴", "抚琴街"]);
    const edit = await send(`/admin/units/${u.id}`, { name: "抚琴街道", kind: "street", aliases: "抚琴", headUserId: "hh.head", liaisonUserIds: "hh.officer, sm.officer", deputyUserId: "sm.head" });
    expect(edit.status).toBe(303);
    const [e] = await w.db.select().from(units).where(eq(units.id, u.id));
    expect([e.liaisonUserIds, e.deputyUserId]).toEqual([["hh.officer", "sm.officer"], "sm.head"]);
    const bad = await send(`/admin/units/${u.id}`, { name: "抚琴街道", kind: "street", headUserId: "nobody" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("以下账号未登记：nobody");
    expect((await send(`/admin/units/${u.id}/active`, { active: "0" })).status).toBe(303);
    expect((await w.db.select().from(units).where(eq(units.id, u.id)))[0].active).toBe(false);
    expect((await audits("admin.unit.create")).length + (await audits("admin.unit.update")).length + (await audits("admin.unit.disable")).length).toBe(3);
    expect((await send("/admin/units", { name: "荷花池街道", kind: "street" })).status).toBe(400); // duplicate name
  });

  it("adds a person with roles, refuses admin + auditor together, and disabling ends their sessions", async () => {
    expect((await send("/admin/people", { userId: "new.officer", name: "新人", unitId: "1", roles: ["officer"] })).status).toBe(303);
    const mixed = await send("/admin/people", { userId: "bad.mix", name: "混合", roles: ["admin", "auditor"] });
    expect(mixed.status).toBe(400);
    expect(await mixed.text()).toContain("职责分离");
    expect(await w.db.select().from(people).where(eq(people.userId, "bad.mix"))).toHaveLength(0);
    const id = await personId(w.db, "new.officer");
    const theirs = await sessionFor(w.db, "new.officer", w.clock());
    expect((await get(w.app, "/dashboard", theirs.cookie)).status).toBe(200);
    expect((await send(`/admin/people/${id}`, { name: "新人", unitId: "2", roles: ["officer", "unit_head"] })).status).toBe(303);
    expect((await w.db.select().from(people).where(eq(people.id, id)))[0].roles.sort()).toEqual(["officer", "unit_head"]);
    expect((await send(`/admin/people/${id}/active`, { active: "0" })).status).toBe(303);
    expect((await get(w.app, "/dashboard", theirs.cookie)).status).toBe(401);
    expect(await audits("admin.person.disable")).toHaveLength(1);
    const self = await send(`/admin/people/${await personId(w.db, "admin")}/active`, { active: "0" });
    expect(await self.text()).toContain("不能停用自己的账号");
  });

  it("imports a roster: preview shows a bad row and writes nothing; the fixed file imports all-or-nothing, and again changes nothing", async () => {
    const upload = (csv: string) => {
      const fd = new FormData();
      fd.set("_csrf", admin.csrf);
      fd.set("file", new File([csv], "roster.csv", { type: "text/csv" }));
      return w.app.request(`${ORIGIN}/admin/roster/preview`, { method: "POST", headers: { cookie: admin.cookie, origin: ORIGIN }, body: fd });
    };
    const before = (await w.db.select().from(people)).length;
    const bad = await upload("姓名,账号,单位,角色,手机\n刘一,liu.yi,荷花池,联络员,13800000001\n陈二,chen.er,不存在的街道,责任人,\n");
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain("单位「不存在的街道」不存在");
    expect(badHtml).not.toContain("确认导入");
    expect((await w.db.select().from(people)).length).toBe(before);

    const good = await upload("姓名,账号,单位,角色,手机\n刘一,liu.yi,荷花池,联络员,13800000001\n陈二,chen.er,驷马桥街道,负责人、责任人,\n赵六,hh.officer,荷花池街道,责任人,\n");
    const html = await good.text();
    expect(good.status).toBe(200);
    const payload = /name="payload" value="([^"]+)"/.exec(html)![1].replaceAll("&quot;", '"');
    expect((await send("/admin/roster/apply", { payload })).status).toBe(303);
    expect((await w.db.select().from(people)).length).toBe(before + 2);
    expect((await w.db.select().from(people).where(eq(people.userId, "chen.er")))[0].roles.sort()).toEqual(["officer", "unit_head"]);
    const [imp] = await audits("admin.roster.import");
    expect(imp.detail).toMatchObject({ created: ["liu.yi", "chen.er"], updated: [] });
    // The same roster again: every row 不变, no write, no audit row.
    expect(await (await upload("姓名,账号,单位,角色,手机\n刘一,liu.yi,荷花池,联络员,13800000001\n")).text()).toContain("没有需要导入的变更");
    expect((await send("/admin/roster/apply", { payload })).status).toBe(303);
    expect(await audits("admin.roster.import")).toHaveLength(1);
    // An import can never grant a privileged role.
    expect(await (await upload("账号,姓名,角色\nsneaky,某人,系统管理员\n")).text()).toContain("不能授予系统管理员或审计员");
  });

  it("shows a group's robot key only masked, after it is entered once (R38)", async () => {
    const key = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";
    const [g] = await w.db.select().from(groups).where(eq(groups.chatId, "g-hh"));
    expect((await send(`/admin/groups/${g.id}/robot-key`, { robotKey: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${key}` })).status).toBe(303);
    expect((await w.db.select().from(groups).where(eq(groups.id, g.id)))[0].robotKey).toBe(key);
    for (const html of [await page("/admin/groups"), await page(`/admin/groups/${g.id}`)]) {
      expect(html).toContain("…5aaa");
      expect(html).not.toContain(key);
      expect(html).not.toContain(key.slice(0, 12));
    }
    expect(JSON.stringify(await audits("admin.group.robot_key_set"))).not.toContain(key);
    expect((await send(`/admin/groups/${g.id}`, { name: "荷花池街道群", purpose: "unit", unitId: "" })).status).toBe(400); // a unit group needs its unit
  });

  it("adds and removes an admin calendar day; the official rows cannot be removed", async () => {
    expect((await send("/admin/calendar", { date: "2027-03-08", kind: "holiday", name: "区里调休" })).status).toBe(303);
    expect(await page("/admin/calendar?year=2027")).toContain("区里调休");
    expect(await page("/admin/calendar?year=2027")).toContain("官方节假日安排尚未收录"); // chinese-days has no 2027 yet
    // The year page's own warning; the banner about 2027 (issue 14) is on every admin page in December.
    expect(await page("/admin/calendar?year=2026")).not.toContain("2026 年的官方节假日安排尚未收录");
    expect((await send("/admin/calendar/2027-03-08/delete", {})).status).toBe(303);
    expect(await w.db.select().from(calendarDays).where(eq(calendarDays.date, "2027-03-08"))).toHaveLength(0);
    const [pkg] = await w.db.select().from(calendarDays).where(eq(calendarDays.source, "package")).limit(1);
    expect((await send(`/admin/calendar/${pkg.date}/delete`, {})).status).toBe(400);
    expect((await send("/admin/calendar", { date: "2027-02-30", kind: "holiday" })).status).toBe(400);
  });

  it("edits policy numbers through zod, refusing inconsistent ones", async () => {
    const form = async () => {
      const html = await page("/admin/policy");
      const inputs = [...html.matchAll(/<input name="([\w.]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]);
      const selects = [...html.matchAll(/<select name="([\w.]+)">(.*?)<\/select>/g)].map((m) => [m[1], /value="(\w+)" selected/.exec(m[2])?.[1] ?? ""]);
      return Object.fromEntries([...inputs, ...selects]);
    };
    const fields = await form();
    expect(fields["ladderDays.leader"]).toBe("3");
    expect((await send("/admin/policy", { ...fields, "cards.red": "0.9", "cards.yellow": "0.8" })).status).toBe(400);
    expect((await send("/admin/policy", { ...fields, ackWorkingDays: "-1" })).status).toBe(400);
    expect((await send("/admin/policy", { ...fields, ackWorkingDays: "" })).status).toBe(400);
    expect(await w.db.select().from(policies)).toHaveLength(0);
    expect((await send("/admin/policy", { ...fields, ackWorkingDays: "2", patrolOffsetsDays: "7, 30, 60, 90" })).status).toBe(303);
    const p = await loadPolicy(w.db);
    expect([p.ackWorkingDays, p.patrolOffsetsDays]).toEqual([2, [7, 30, 60, 90]]);
    expect((await w.db.select().from(policies)).map((r) => r.key).sort()).toEqual(["ackWorkingDays", "patrolOffsetsDays"]);
    expect((await audits("admin.policy.update"))[0].detail).toMatchObject({ ackWorkingDays: { before: 1, after: 2 } });
  });

  it("lists failed deliveries with their error (secrets masked) and retries one", async () => {
    await w.db.insert(outbox).values({ idempotencyKey: "t1", channel: "group", target: "g-hh", payload: { markdown: "逾期提醒 #9" }, status: "failed", attempts: 10, nextAttemptAt: 0, createdAt: w.clock(), lastError: "HTTP 404 from https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRETKEY123" });
    const html = await page("/admin/outbox");
    expect(html).toContain("逾期提醒 #9");
    expect(html).toContain("HTTP 404");
    expect(html).not.toContain("SECRETKEY123");
    const [row] = await w.db.select().from(outbox).where(eq(outbox.idempotencyKey, "t1"));
    expect((await send(`/admin/outbox/${row.id}/retry`, {})).status).toBe(303);
    const [after] = await w.db.select().from(outbox).where(eq(outbox.id, row.id));
    expect([after.status === "failed", after.attempts <= 1]).toEqual([false, true]);
    expect(await audits("admin.outbox.retry")).toHaveLength(1);
    await w.settle();
  });

  it("registers a DingTalk group; its custom robot's webhook and 加签 secret are shown only masked, and a blank field keeps what is stored (R38)", async () => {
    const token = "c0ffee0123456789abcdef0123456789abcdef0123456789abcdef01234TOKN";
    const webhook = `https://oapi.dingtalk.com/robot/send?access_token=${token}`;
    const secret = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd";
    const cid = "cidAdmin+Test/9==";
    expect((await send("/admin/groups", { chatId: cid, name: "钉钉指挥群", purpose: "command", unitId: "", platform: "dingtalk" })).status).toBe(303);
    const [g] = await w.db.select().from(groups).where(eq(groups.chatId, cid));
    expect([g.platform, g.purpose]).toEqual(["dingtalk", "command"]);
    // A conversationId's + / = are not WeCom chatid characters; an unknown platform is refused.
    expect(await (await send("/admin/groups", { chatId: "cidOther+/==", name: "错", purpose: "command", platform: "wecom" })).text()).toContain("群 ID 格式不正确");
    expect((await send("/admin/groups", { chatId: "oc_1", name: "错", purpose: "command", platform: "feishu" })).status).toBe(400);
    expect(await page("/admin/groups")).toContain("应用机器人");

    const robot = (fields: Record<string, string>) => send(`/admin/groups/${g.id}/dingtalk-robot`, fields);
    expect((await robot({ webhook, secret })).status).toBe(303);
    const stored = async () => (await w.db.select().from(groups).where(eq(groups.id, g.id)))[0];
    expect(await stored()).toMatchObject({ robotWebhook: webhook, robotSecret: secret });
    for (const html of [await page("/admin/groups"), await page(`/admin/groups/${g.id}`)]) {
      expect(html).toContain("…TOKN");
      expect(html).not.toContain(token.slice(0, 16));
      expect(html).not.toContain(secret.slice(3, 19));
    }
    // A new webhook with the secret field left blank keeps the secret.
    const webhook2 = `https://oapi.dingtalk.com/robot/send?access_token=${token.replace("c0ffee", "beef00")}`;
    expect((await robot({ webhook: webhook2, secret: "" })).status).toBe(303);
    expect(await stored()).toMatchObject({ robotWebhook: webhook2, robotSecret: secret });
    expect(await (await robot({ webhook: "", secret: "" })).text()).toContain("请填写 Webhook 地址或加签密钥");
    expect(await (await robot({ webhook: "", secret: "not-a-secret" })).text()).toContain("加签密钥格式不正确");
    expect(await (await robot({ webhook: "https://oapi.dingtalk.com/robot/send", secret: "" })).text()).toContain("缺少 access_token");
    expect(await (await send(`/admin/groups/${g.id}/robot-key`, { robotKey: "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa" })).text()).toContain("只用于企业微信群");
    const [hh] = await w.db.select().from(groups).where(eq(groups.chatId, "g-hh"));
    expect(await (await send(`/admin/groups/${hh.id}/dingtalk-robot`, { webhook, secret })).text()).toContain("只有钉钉群");
    expect(await stored()).toMatchObject({ robotWebhook: webhook2, robotSecret: secret });
    const sets = await audits("admin.group.dingtalk_robot_set");
    expect(sets.map((a) => a.detail)).toEqual([{ webhook: "…TOKN", secretChanged: true }, { webhook: "…TOKN", secretChanged: false }]);
    expect(JSON.stringify(await w.db.select().from(auditLog))).not.toContain(secret.slice(3, 19));
    expect((await robot({ clear: "1" })).status).toBe(303);
    expect(await stored()).toMatchObject({ robotWebhook: null, robotSecret: null });
    expect(await audits("admin.group.dingtalk_robot_clear")).toHaveLength(1);
  });

  it("edits a person's DingTalk staff id, one person per id, audited; the roster's 钉钉ID column sets it and a blank cell keeps it", async () => {
    const id = await personId(w.db, "sm.officer");
    expect((await send(`/admin/people/${id}`, { name: "钱七", unitId: "2", roles: ["officer"], dingtalkId: "dt-qianqi" })).status).toBe(303);
    const dtOf = async (userId: string) => (await w.db.select().from(people).where(eq(people.userId, userId)))[0]?.dingtalkId;
    expect(await dtOf("sm.officer")).toBe("dt-qianqi");
    const [upd] = (await audits("admin.person.update")).filter((a) => a.object === `person:${id}`);
    expect(upd.detail).toMatchObject({ before: { dingtalkId: null }, after: { dingtalkId: "dt-qianqi" } });
    expect(await page("/admin/people")).toContain("dt-qianqi");
    const taken = await send(`/admin/people/${await personId(w.db, "sm.head")}`, { name: "孙强", unitId: "2", roles: ["unit_head"], dingtalkId: "dt-qianqi" });
    expect([taken.status, await taken.text()]).toEqual([400, expect.stringContaining("钉钉 ID dt-qianqi 已属于 钱七（sm.officer）")]);
    expect((await send(`/admin/people/${id}`, { name: "钱七", unitId: "2", roles: ["officer"], dingtalkId: "王 七" })).status).toBe(400);

    const upload = (csv: string) => {
      const fd = new FormData();
      fd.set("_csrf", admin.csrf);
      fd.set("file", new File([csv], "roster.csv", { type: "text/csv" }));
      return w.app.request(`${ORIGIN}/admin/roster/preview`, { method: "POST", headers: { cookie: admin.cookie, origin: ORIGIN }, body: fd });
    };
    const clash = await upload("账号,姓名,单位,钉钉ID\ndt.new,钉一,荷花池街道,dt-qianqi\ndt.two,钉二,荷花池街道,dt-x\ndt.three,钉三,荷花池街道,dt-x\n");
    const clashHtml = await clash.text();
    expect(clash.status).toBe(400);
    expect(clashHtml).toContain("钉钉 ID dt-qianqi 已属于 钱七（sm.officer）");
    expect(clashHtml).toContain("钉钉 ID dt-x 在名册中重复");
    const good = await upload("账号,姓名,单位,钉钉 ID\ndt.new,钉一,荷花池街道,dt-one\nsm.officer,钱七,驷马桥街道,\n");
    const html = await good.text();
    expect(html).toContain("新增 1，更新 0，不变 1");
    const payload = /name="payload" value="([^"]+)"/.exec(html)![1].replaceAll("&quot;", '"');
    expect((await send("/admin/roster/apply", { payload })).status).toBe(303);
    expect([await dtOf("dt.new"), await dtOf("sm.officer")]).toEqual(["dt-one", "dt-qianqi"]);
  });

  it("shows the audit log to the auditor only — the admin gets 403", async () => {
    const auditor = await sessionFor(w.db, "audit", w.clock());
    const res = await get(w.app, "/admin/audit?action=admin.", auditor.cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("admin.unit.create");
    expect(html).not.toContain("auth.logout");
    expect((await get(w.app, "/admin/audit", admin.cookie)).status).toBe(403);
    expect((await get(w.app, "/admin/units", auditor.cookie)).status).toBe(403);
  });
});

describe("password-set links with DingTalk beside WeCom in callback mode", () => {
  it("go to a person with a DingTalk staff id through the DingTalk channel; without one the WeCom bot cannot start the chat", async () => {
    const full = parseConfig({
      WECOM_MODE: "callback", WECOM_TOKEN: "DubanTestToken2026", WECOM_ENCODING_AES_KEY: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", SESSION_SECRET: "s".repeat(40),
      DINGTALK_MODE: "http", DINGTALK_APP_KEY: "dingkey", DINGTALK_APP_SECRET: "d".repeat(24), DINGTALK_ROBOT_CODE: "dingkey",
      DINGTALK_API_BASE: "http://127.0.0.1:9", // nothing listens: the relay's attempt fails at once, never leaves the machine
    });
    const d = await webApp({ config: { wecom: full.wecom, dingtalk: full.dingtalk } });
    try {
      const admin = await sessionFor(d.db, "admin", d.clock());
      const send = (path: string) =>
        d.app.request(`${ORIGIN}${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie: admin.cookie, origin: ORIGIN }, body: new URLSearchParams({ _csrf: admin.csrf }).toString() });
      await d.db.update(people).set({ dingtalkId: "dt-qianqi" }).where(eq(people.userId, "sm.officer"));
      expect((await send(`/admin/people/${await personId(d.db, "sm.officer")}/password-link`)).status).toBe(303);
      const refused = await send(`/admin/people/${await personId(d.db, "sm.head")}/password-link`);
      expect(await refused.text()).toContain("回调模式下机器人不能主动发送单聊消息");
      const rows = (await d.db.select().from(outbox)).filter((o) => o.idempotencyKey.startsWith("password-link:"));
      expect(rows.map((o) => [o.channel, o.target])).toEqual([["user", "dingtalk:sm.officer"]]);
    } finally {
      await d.settle();
      await d.store.cleanup();
    }
  });
});
