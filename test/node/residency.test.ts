/**
 * R40(b) and §7 decision 1: with DATA_RESIDENCY=cn (the default outside local mode) the database is a file: path
 * or a host on APPROVED_DB_HOSTS, and the start fails otherwise, naming both settings. Plus the retention setting.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { assertResidency, ConfigError, parseConfig, residencyProblems } from "../../src/config.js";
import { startNode } from "../../src/runtime/node.js";
import worker from "../../src/runtime/worker.js";

const CALLBACK = { WECOM_MODE: "callback", WECOM_TOKEN: "tok", WECOM_ENCODING_AES_KEY: "a".repeat(43), SESSION_SECRET: "s".repeat(40) };

/** The problems parseConfig + the residency check report for `env`, [] when the start may go on. */
function problems(env: Record<string, string>): string[] {
  try {
    assertResidency(parseConfig(env));
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
}

describe("data residency (R40(b))", () => {
  it("is off in local mode and cn outside it, with no approved hosts by default", () => {
    expect(parseConfig({})).toMatchObject({ dataResidency: "off", approvedDbHosts: [] });
    expect(parseConfig(CALLBACK)).toMatchObject({ dataResidency: "cn", approvedDbHosts: [] });
    expect(parseConfig({ ...CALLBACK, DATA_RESIDENCY: "off" }).dataResidency).toBe("off");
    expect(parseConfig({ DATA_RESIDENCY: "cn" }).dataResidency).toBe("cn");
  });

  it("accepts the embedded file database under cn", () => {
    expect(problems(CALLBACK)).toEqual([]);
    expect(problems({ ...CALLBACK, DATABASE_URL: "file:/srv/duban/data/duban.db" })).toEqual([]);
  });

  it("refuses a remote database not on APPROVED_DB_HOSTS, naming DATABASE_URL and APPROVED_DB_HOSTS", () => {
    const [p, ...more] = problems({ ...CALLBACK, DATABASE_URL: "libsql://duban-office.turso.io" });
    expect(more).toEqual([]);
    expect(p).toMatch(/^DATABASE_URL host "duban-office\.turso\.io" is not on APPROVED_DB_HOSTS \(empty\) while DATA_RESIDENCY is cn/);
    const listed = problems({ ...CALLBACK, DATABASE_URL: "https://db.example.com", APPROVED_DB_HOSTS: "gov-cloud.cn, 10.1.2.3" });
    expect(listed.join("\n")).toContain("APPROVED_DB_HOSTS (gov-cloud.cn, 10.1.2.3)");
    // Explicit cn applies in local mode too.
    expect(problems({ DATA_RESIDENCY: "cn", DATABASE_URL: "libsql://db.example.com" })).toHaveLength(1);
  });

  it("matches approved host suffixes on a label boundary, case-insensitively, ignoring port and path", () => {
    const env = { ...CALLBACK, APPROVED_DB_HOSTS: ".Gov-Cloud.cn，*.office.example.cn 10.1.2.3" };
    expect(parseConfig(env).approvedDbHosts).toEqual(["gov-cloud.cn", "office.example.cn", "10.1.2.3"]);
    for (const url of ["libsql://db.gov-cloud.cn", "https://DB.GOV-CLOUD.CN:8443/v2", "libsql://gov-cloud.cn", "wss://sqld.office.example.cn", "http://10.1.2.3:8080"]) {
      expect(problems({ ...env, DATABASE_URL: url }), url).toEqual([]);
    }
    for (const url of ["libsql://evilgov-cloud.cn", "libsql://gov-cloud.cn.attacker.io", "https://example.cn", "http://10.1.2.30:8080"]) {
      expect(problems({ ...env, DATABASE_URL: url }), url).toHaveLength(1);
    }
  });

  it("never shows a token carried in DATABASE_URL", () => {
    const msg = problems({ ...CALLBACK, DATABASE_URL: "libsql://db.example.com?authToken=canary-token-123" }).join("\n");
    expect(msg).toContain("DATABASE_URL");
    expect(msg).not.toContain("canary-token-123");
  });

  it("lets DATA_RESIDENCY=off through (the client's sign-off)", () => {
    expect(problems({ ...CALLBACK, DATA_RESIDENCY: "off", DATABASE_URL: "libsql://duban-office.turso.io" })).toEqual([]);
  });

  it("names malformed residency settings", () => {
    expect(() => parseConfig({ DATA_RESIDENCY: "eu" })).toThrow(/DATA_RESIDENCY/);
    for (const bad of ["https://db.gov.cn", "db.gov.cn:8080", "db.gov.cn/path", "db..gov.cn"]) {
      expect(() => parseConfig({ APPROVED_DB_HOSTS: bad }), bad).toThrow(/APPROVED_DB_HOSTS entries must be host names or suffixes/);
    }
  });

  it("refuses a D1 binding under cn: D1 keeps the data outside the mainland", () => {
    const config = parseConfig({ ...CALLBACK });
    expect(residencyProblems(config, { d1: true }).join("\n")).toMatch(/DATA_RESIDENCY is cn, but a D1 binding/);
    expect(residencyProblems({ ...config, dataResidency: "off" }, { d1: true })).toEqual([]);
  });
});

describe("the start stops", () => {
  const dir = mkdtempSync(join(tmpdir(), "duban-residency-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("on Node, before connecting to a database outside the approved hosts", async () => {
    const env = { ...CALLBACK, PORT: "0", HOST: "127.0.0.1", FILES_DIR: join(dir, "files"), LOG_LEVEL: "error", DATABASE_URL: "libsql://db.example.com" };
    const err = await startNode(env, { schedules: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/DATABASE_URL host "db\.example\.com" is not on APPROVED_DB_HOSTS/);
  });

  it("on Workers with DATA_RESIDENCY=cn and a D1 binding or an unapproved DATABASE_URL; off is the Workers default", async () => {
    const ctx = { waitUntil: () => {}, passThroughOnException: () => {} } as unknown as ExecutionContext;
    const req = new Request("http://localhost/healthz");
    // The Worker answers a refused start with 503 and the reason (it has no start step to stop).
    const call = async (env: Record<string, unknown>) => {
      const res = await worker.fetch(req, env as never, ctx);
      expect(res.status).toBe(503);
      return res.text();
    };
    expect(await call({ ...CALLBACK, DATA_RESIDENCY: "cn", DB: {} })).toMatch(/D1 binding/);
    expect(await call({ ...CALLBACK, DATA_RESIDENCY: "cn", DATABASE_URL: "libsql://db.example.com" })).toMatch(/DATABASE_URL host "db\.example\.com" is not on APPROVED_DB_HOSTS/);
    // Unset on Workers: no residency refusal; the start goes on to the next check (no R2 binding here).
    expect(await call({ ...CALLBACK, DB: {} })).toMatch(/R2 binding named FILES/);
  });
});

describe("COMPLAINANT_RETENTION_DAYS (R40(c))", () => {
  it("defaults to 365 days and accepts 30 to 3650", () => {
    expect(parseConfig({}).complainantRetentionDays).toBe(365);
    expect(parseConfig({ COMPLAINANT_RETENTION_DAYS: "30" }).complainantRetentionDays).toBe(30);
    expect(parseConfig({ COMPLAINANT_RETENTION_DAYS: "3650" }).complainantRetentionDays).toBe(3650);
    for (const bad of ["29", "3651", "90.5", "a year"]) {
      expect(() => parseConfig({ COMPLAINANT_RETENTION_DAYS: bad }), bad).toThrow(/COMPLAINANT_RETENTION_DAYS/);
    }
  });
});
