import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";

describe("logger redaction", () => {
  const lines: string[] = [];
  const log = createLogger("debug", (l) => lines.push(l));

  it("hides credential fields and credentials inside URLs, keeps ordinary ids readable", () => {
    log.error("send failed https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd-1234", {
      robotKey: "abcd-1234",
      token: "t0k",
      password: "pw",
      error: "fetch https://x/cgi-bin/webhook/send?key=abcd-1234&debug=1 timed out",
      idempotencyKey: "digest:2026-12-01:g-cmd",
      storageKey: "ab/cd.png",
    });
    const out = lines.join("\n");
    expect(out).not.toContain("abcd-1234");
    expect(out).not.toContain("t0k");
    expect(out).not.toMatch(/"pw"/);
    expect(out).toContain("digest:2026-12-01:g-cmd");
    expect(out).toContain("ab/cd.png");
    expect(out).toContain("debug=1");
  });

  it("drops lines below the level", () => {
    const got: string[] = [];
    createLogger("warn", (l) => got.push(l)).info("quiet");
    expect(got).toEqual([]);
  });
});
