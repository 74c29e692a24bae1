/** CSRF on every state-changing route, GET routes never write, and the browser security headers (R33). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTE_POLICY } from "../../src/web/route-policy.js";
import { webHasher } from "../../src/web/auth/password.js";
import { SOURCE_MAX_FAILURES } from "../../src/web/auth/lockout.js";
import { csrfExempt } from "../../src/web/security.js";
import { ROLES, type Role } from "../../src/db/schema.js";
import { say } from "../helpers/fixture.js";
import { API_POLICY } from "../../src/api/policy.js";
import { eq } from "drizzle-orm";
import { attachments } from "../../src/db/schema.js";
import { jpegWithGps } from "../helpers/exif.js";
import { get, login, ROLE_USER, loginForm, ORIGIN, post, routesOf, samplePath, sessionFor, setPassword, tableCounts, totalChanges, webApp } from "../helpers/web.js";

let w: Awaited<ReturnType<typeof webApp>>;
beforeAll(async () => {
  w = await webApp();
  // Real rows behind the :id routes: case #1 with its timeline and pushes.
  expect(await say(w.deps, "disp", "g-command", "交办 金牛大道某烧烤店油烟扰民 给 荷花池街道 限 5个工作日")).toContain("#1");
  await w.settle();
});
afterAll(() => w.store.cleanup());

/** A role that may use the route (so a 403 can only come from the CSRF check), or none for public routes. */
function actorFor(path: string, method: string): Role | undefined {
  const key = `${method} ${path}`;
  const access = ROUTE_POLICY[key] === "api" ? API_POLICY[key] : ROUTE_POLICY[key];
  return Array.isArray(access) ? access[0] : path === "/logout" ? "dispatcher" : undefined;
}

const isExempt = (path: string) => path === "/wecom/callback" || path === "/sim" || path.startsWith("/sim/");

describe("CSRF (R33): every registered non-GET route refuses forged requests", () => {
  const unsafe = () => routesOf(w.app).filter((r) => r.method !== "GET" && r.method !== "HEAD");

  it("has state-changing routes to check, and the only exemptions are the machine endpoints", () => {
    expect(unsafe().length).toBeGreaterThan(20);
    const exempt = unsafe().filter((r) => isExempt(r.path));
    expect(exempt.map((r) => r.path).every((p) => p.startsWith("/sim/") || p === "/wecom/callback")).toBe(true);
  });

  it("answers 403 with no token, a wrong token, a foreign Origin or Sec-Fetch-Site: cross-site — and writes nothing", async () => {
    const checked: string[] = [];
    for (const r of unsafe()) {
      if (isExempt(r.path)) continue; // /api/v1 is checked too: with a session cookie it is a browser request
      const role = actorFor(r.path, r.method);
      const s = role ? await sessionFor(w.db, ROLE_USER[role], w.clock()) : await loginForm(w.app);
      const cookie = s.cookie;
      const path = samplePath(r.path); // a row that does not exist: the control request below must not change the fixture
      const forged: [string, Record<string, string>, { origin?: string | null; headers?: Record<string, string> }][] = [
        ["no token", {}, {}],
        ["bad token", { _csrf: "A".repeat(43) }, {}],
        ["foreign Origin", { _csrf: s.csrf }, { origin: "https://evil.example" }],
        ["null Origin", { _csrf: s.csrf }, { origin: "null" }],
        ["Sec-Fetch-Site: cross-site", { _csrf: s.csrf }, { headers: { "sec-fetch-site": "cross-site" } }],
        ["token in a header of a cross-site request", {}, { origin: "https://evil.example", headers: { "x-csrf-token": s.csrf } }],
      ];
      const before = await tableCounts(w.db);
      const changes = await totalChanges(w.db);
      for (const [label, fields, o] of forged) {
        const res = await w.app.request(`${ORIGIN}${path}`, {
          method: r.method,
          headers: { "content-type": "application/x-www-form-urlencoded", cookie, ...(o.origin === undefined ? { origin: ORIGIN } : o.origin === null ? {} : { origin: o.origin }), ...o.headers },
          body: new URLSearchParams(fields).toString(),
        });
        expect(res.status, `${r.method} ${r.path}: ${label}`).toBe(403);
      }
      expect(await totalChanges(w.db), `${r.method} ${r.path} wrote despite the 403`).toBe(changes);
      expect(await tableCounts(w.db)).toEqual(before);
      // Control: the same request with the right token and our own Origin gets past the CSRF check.
      const ok = await post(w.app, path, { _csrf: s.csrf }, { cookie });
      expect(ok.status, `${r.method} ${r.path} with a valid token`).not.toBe(403);
      checked.push(`${r.method} ${r.path}`);
    }
    expect(checked).toContain("POST /login");
    expect(checked).toContain("POST /admin/people/:id/active");
  });

  it("exempts only the signed WeCom callback, the local simulator and Bearer-token API calls", () => {
    const ctx = (path: string, auth?: string) => ({ req: { path, header: (n: string) => (n === "authorization" ? auth : undefined) } }) as never;
    expect(csrfExempt(ctx("/wecom/callback"))).toBe(true);
    expect(csrfExempt(ctx("/sim/messages"))).toBe(true);
    expect(csrfExempt(ctx("/api/v1/cases", "Bearer abc"))).toBe(true);
    expect(csrfExempt(ctx("/api/v1/cases"))).toBe(false); // a browser session on the API is CSRF-checked
    expect(csrfExempt(ctx("/admin/units", "Bearer abc"))).toBe(false);
    expect(csrfExempt(ctx("/wecom/callback/x"))).toBe(false);
  });
});

describe("CSRF never reads a stranger's body (R09, R33)", () => {
  /** A form body that counts how many bytes anyone pulled from it. */
  const counted = (fields: Record<string, string>) => {
    const bytes = new TextEncoder().encode(new URLSearchParams(fields).toString());
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({ pull(ctl) { pulled += bytes.length; ctl.enqueue(bytes); ctl.close(); } }, { highWaterMark: 0 });
    return { body, pulled: () => pulled };
  };
  const send = (path: string, body: ReadableStream<Uint8Array>, cookie?: string) =>
    w.app.request(`${ORIGIN}${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN, ...(cookie ? { cookie } : {}) }, body, duplex: "half" } as RequestInit);

  it("refuses a POST with neither a session nor the pre-sign-in cookie before reading its body", async () => {
    for (const path of ["/login", "/dashboard/import/preview", "/admin/units", "/logout"]) {
      const b = counted({ _csrf: "A".repeat(43) });
      expect((await send(path, b.body)).status, path).toBe(403);
      expect(b.pulled(), `${path} read the body`).toBe(0);
    }
  });

  it("answers a POST to a path with no route 404, unread, even with a session", async () => {
    const s = await sessionFor(w.db, "disp", w.clock());
    const b = counted({ _csrf: s.csrf });
    expect((await send("/no-such-path", b.body, s.cookie)).status).toBe(404);
    expect(b.pulled()).toBe(0);
  });

  it("answers an oversize form with a 413 page that links back to our own page only", async () => {
    const big = (referer: string) =>
      w.app.request(`${ORIGIN}/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(300 * 1024), referer }, body: "a".repeat(300 * 1024) });
    const ours = await big(`${ORIGIN}/dashboard/import?x=<b>`);
    expect(ours.status).toBe(413);
    const page = await ours.text();
    expect(page).toContain("请求内容过大（上限 256 KB）");
    expect(page).toContain('<a href="/dashboard/import?x=%3Cb%3E">返回上一页</a>');
    expect(ours.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await (await big("https://evil.example/x")).text()).not.toContain("返回上一页");
  });

  it("still reads the form when there is a token to compare", async () => {
    const f = await loginForm(w.app);
    const b = counted({ _csrf: f.csrf, userid: "nobody", password: "wrong password" });
    expect((await send("/login", b.body, f.cookie)).status).not.toBe(403);
    expect(b.pulled()).toBeGreaterThan(0);
  });
});

describe("GET routes never write (R33)", () => {
  it("leaves every table, and the connection's change counter, untouched for every GET route and every role", async () => {
    const sessions: (string | undefined)[] = [undefined];
    for (const role of ROLES) sessions.push((await sessionFor(w.db, ROLE_USER[role], w.clock())).cookie);
    const before = await tableCounts(w.db);
    const changes = await totalChanges(w.db);
    const gets = routesOf(w.app).filter((r) => r.method === "GET" && r.path !== "/sim/stream"); // an endless event stream
    expect(gets.length).toBeGreaterThan(15);
    for (const r of gets) {
      for (const cookie of sessions) {
        for (const id of ["1", "999999"]) {
          const res = await get(w.app, samplePath(r.path, id), cookie);
          expect(res.status, `GET ${r.path}`).toBeLessThan(500);
          expect(await totalChanges(w.db), `GET ${r.path} wrote`).toBe(changes);
        }
      }
    }
    expect(await tableCounts(w.db)).toEqual(before);
  });
});

describe("security headers (R33)", () => {
  it("are on every kind of response: page, JSON, redirect, 403, 404", async () => {
    const admin = await sessionFor(w.db, "admin", w.clock());
    const responses = [await get(w.app, "/login"), await get(w.app, "/healthz"), await get(w.app, "/admin"), await get(w.app, "/admin/audit", admin.cookie), await get(w.app, "/nope"), await get(w.app, "/admin/units", admin.cookie)];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 302, 403, 404, 200]);
    for (const res of responses) {
      const hsts = res.headers.get("strict-transport-security") ?? "";
      expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(31536000);
      const csp = res.headers.get("content-security-policy") ?? "";
      for (const d of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'self'"]) expect(csp).toContain(d);
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("same-origin");
    }
  });

  it("gives each response its own script nonce and keeps signed-in pages out of caches", async () => {
    const admin = await sessionFor(w.db, "admin", w.clock());
    const a = (await get(w.app, "/admin", admin.cookie)).headers;
    const b = (await get(w.app, "/admin", admin.cookie)).headers;
    const nonce = (h: Headers) => /'nonce-([^']+)'/.exec(h.get("content-security-policy") ?? "")?.[1];
    expect(nonce(a)).toBeTruthy();
    expect(nonce(a)).not.toBe(nonce(b));
    expect(a.get("cache-control")).toBe("no-store");
  });
});

describe("per-source sign-in throttle (R31)", () => {
  it("pauses a source after many failures, even for a correct password", async () => {
    const t = await webApp();
    await setPassword(t.db, "disp", webHasher, "the right password");
    for (let i = 0; i < SOURCE_MAX_FAILURES; i++) await login(t.app, `user${i}`, "guess");
    expect((await login(t.app, "disp", "the right password")).res.status).toBe(401);
    t.clock.advance(16 * 60_000);
    expect((await login(t.app, "disp", "the right password")).res.status).toBe(303);
    await t.store.cleanup();
  });
});

describe("photo copies (R37)", () => {
  it("are sent with no-store, so no copy stays in a shared office PC's cache", async () => {
    await say(w.deps, "hh.officer", "g-hh", "签收 #1");
    expect(await say(w.deps, "hh.officer", "g-hh", "进展 #1 现场照片", { images: [jpegWithGps()] })).toContain("附件 1 个");
    const [file] = await w.db.select({ id: attachments.id }).from(attachments).where(eq(attachments.caseId, 1));
    const officer = await sessionFor(w.db, "hh.officer", w.clock());
    const res = await get(w.app, `/dashboard/files/${file.id}`, officer.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/jpeg");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});
