import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config.js";

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
