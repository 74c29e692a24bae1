import { SELF, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("the Worker", () => {
  it("runs inside workerd and answers /healthz from D1", async () => {
    expect(navigator.userAgent).toBe("Cloudflare-Workers");
    const res = await SELF.fetch("https://duban.test/healthz");
    expect(res.status).toBe(200);
    const { calendar, ...health } = (await res.json()) as Record<string, unknown>;
    expect(health).toEqual({ ok: true, db: "ok" });
    // On the real clock: present exactly while this year's (or, from October, next year's) holiday plan is missing (issue 14).
    if (calendar !== undefined) expect(calendar).toEqual({ missingYear: expect.any(Number) });
  });

  it("has every migration applied to D1, append-only triggers included", async () => {
    const tables = await env.DB.prepare("select name from sqlite_master where type = 'table'").all<{ name: string }>();
    const names = tables.results.map((r) => r.name);
    for (const t of ["cases", "case_events", "attachments", "inbox", "outbox", "audit_log", "calendar_days", "policies", "schedule_slots", "leases"]) {
      expect(names).toContain(t);
    }
    await env.DB.prepare("insert into audit_log (at, actor, action, result) values (1, 'test', 'x', 'ok')").run();
    await expect(env.DB.prepare("update audit_log set actor = 'evil'").run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("delete from audit_log").run()).rejects.toThrow(/append-only/);
  });

  it("answers an unknown path with a Chinese 404 and nosniff", async () => {
    const res = await SELF.fetch("https://duban.test/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(((await res.json()) as { message: string }).message).toBe("页面不存在");
  });

  it("runs the scheduled handler", async () => {
    const r = await (SELF as unknown as { scheduled(o: { scheduledTime: Date; cron: string }): Promise<{ outcome: string }> }).scheduled({
      scheduledTime: new Date("2026-12-01T00:30:00Z"),
      cron: "* * * * *",
    });
    expect(r.outcome).toBe("ok");
  });
});
