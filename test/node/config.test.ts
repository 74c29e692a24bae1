import { describe, expect, it } from "vitest";
import { ConfigError, isLoopbackHost, parseConfig } from "../../src/config.js";

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration", () => {
  it("defaults to local mode with an embedded database, simulator and demo data", () => {
    const c = parseConfig({});
    expect(c).toMatchObject({ port: 8787, databaseUrl: "file:./data/duban.db", timezone: "Asia/Shanghai", local: true, simulator: true, demoSeed: true });
    expect(c.wecom.mode).toBe("off");
    expect(c.publicBaseUrl).toBe("http://localhost:8787");
  });

  it.each([
    [{ DATABASE_URL: "not a url" }, /^DATABASE_URL is not a URL/],
    [{ DATABASE_URL: "postgres://db/x" }, /^DATABASE_URL scheme postgres: is not supported/],
    [{ DATABASE_URL: "libsql://" }, /^DATABASE_URL has no host/],
    [{ PORT: "eighty" }, /^PORT /],
    [{ PORT: "70000" }, /^PORT /],
    [{ BUSINESS_TIMEZONE: "Mars/Olympus" }, /^BUSINESS_TIMEZONE is not an IANA time zone/],
    [{ WECOM_MODE: "smoke" }, /^WECOM_MODE /],
    [{ WECOM_MODE: "callback", SESSION_SECRET: "x".repeat(32) }, /^WECOM_TOKEN is required when WECOM_MODE=callback/],
    [{ WECOM_MODE: "longconn", SESSION_SECRET: "x".repeat(32), WECOM_BOT_ID: "b" }, /^WECOM_BOT_SECRET is required when WECOM_MODE=longconn/],
    [{ WECOM_ENCODING_AES_KEY: "short" }, /^WECOM_ENCODING_AES_KEY must be the 43-character EncodingAESKey/],
    [{ WECOM_API_BASE: "ftp://x" }, /^WECOM_API_BASE /],
    [{ SESSION_SECRET: "short" }, /^SESSION_SECRET must be at least 32 characters/],
  ])("names the bad setting %j", (env, pattern) => {
    expect(problems(env as Record<string, string>).some((p) => pattern.test(p))).toBe(true);
  });

  it("never echoes secret values in its messages", () => {
    const msg = problems({ SESSION_SECRET: "hunter2-canary" }).join("\n");
    expect(msg).toContain("SESSION_SECRET");
    expect(msg).not.toContain("hunter2-canary");
  });

  describe("local mode stays on this machine (issue 16)", () => {
    const CALLBACK = { WECOM_MODE: "callback", WECOM_TOKEN: "tok", WECOM_ENCODING_AES_KEY: "a".repeat(43), SESSION_SECRET: "s".repeat(40) };

    it("listens on 127.0.0.1 by default and accepts every loopback spelling", () => {
      expect(parseConfig({}).host).toBe("127.0.0.1");
      for (const host of ["127.0.0.1", "127.8.9.10", "localhost", "LOCALHOST", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"]) {
        expect(isLoopbackHost(host), host).toBe(true);
        expect(parseConfig({ HOST: host }).host).toBe(host);
      }
    });

    it.each(["0.0.0.0", "::", "[::]", "192.168.1.20", "10.0.0.5", "128.0.0.1", "127.0.0.256", "localhost.example.com", "duban-host", "::ffff:10.0.0.1"])(
      "refuses HOST=%s with the simulator and MFA-less links on, saying what to set",
      (host) => {
        expect(isLoopbackHost(host)).toBe(false);
        const [msg, ...rest] = problems({ HOST: host });
        expect(rest).toEqual([]);
        expect(msg).toContain(`HOST=${host} 在本地模式（WECOM_MODE=off）下不允许`);
        expect(msg).toContain("模拟群聊和免密登录链接（ADMIN_MFA 关闭）会对网络开放");
        expect(msg).toContain("请设置 HOST=127.0.0.1");
        expect(msg).toContain("SIMULATOR=false ADMIN_MFA=true");
        expect(msg).toContain("WECOM_MODE=callback/longconn");
        expect(msg).toContain(`HOST=${host} is not allowed in local mode`);
      },
    );

    it("names only what is still open, and allows a network HOST once both are off", () => {
      const simOnly = problems({ HOST: "0.0.0.0", ADMIN_MFA: "true" }).join("\n");
      expect(simOnly).toContain("模拟群聊会对网络开放");
      expect(simOnly).toContain("或设置 SIMULATOR=false，");
      expect(simOnly).not.toContain("ADMIN_MFA=true");
      const linksOnly = problems({ HOST: "0.0.0.0", SIMULATOR: "false" }).join("\n");
      expect(linksOnly).toContain("免密登录链接（ADMIN_MFA 关闭）会对网络开放");
      expect(linksOnly).toContain("或设置 ADMIN_MFA=true，");
      expect(linksOnly).not.toContain("SIMULATOR=false");
      expect(parseConfig({ HOST: "0.0.0.0", SIMULATOR: "false", ADMIN_MFA: "true" })).toMatchObject({ host: "0.0.0.0", simulator: false, adminMfa: true, local: true });
      // Outside local mode a network address is the normal case.
      expect(parseConfig({ ...CALLBACK, HOST: "0.0.0.0" })).toMatchObject({ host: "0.0.0.0", simulator: false, adminMfa: true });
    });

    it.each(["callback", "longconn"])("refuses SIMULATOR=true in %s mode, naming SIMULATOR", (mode) => {
      const env = mode === "callback" ? CALLBACK : { WECOM_MODE: "longconn", WECOM_BOT_ID: "b", WECOM_BOT_SECRET: "x", SESSION_SECRET: "s".repeat(40) };
      for (const on of ["true", "1", "on"]) {
        const [msg, ...rest] = problems({ ...env, SIMULATOR: on });
        expect(rest).toEqual([]);
        expect(msg).toMatch(/^SIMULATOR=true 只能用于本地模式（WECOM_MODE=off）/);
        expect(msg).toContain("请删除 SIMULATOR 或设为 false");
        expect(msg).toContain("SIMULATOR=true is only allowed in local mode");
      }
      expect(parseConfig({ ...env, SIMULATOR: "false" }).simulator).toBe(false);
    });
  });

  it("accepts callback mode with its settings and turns the simulator off", () => {
    const c = parseConfig({
      WECOM_MODE: "callback",
      WECOM_TOKEN: "tok",
      WECOM_ENCODING_AES_KEY: "a".repeat(43),
      SESSION_SECRET: "s".repeat(40),
      DATABASE_URL: "libsql://db.example.com",
      WECOM_API_BASE: "http://127.0.0.1:9999/",
    });
    expect(c.local).toBe(false);
    expect(c.simulator).toBe(false);
    expect(c.wecom.apiBase).toBe("http://127.0.0.1:9999");
  });
});
