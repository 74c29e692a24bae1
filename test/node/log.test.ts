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

describe("logger: nested fields, errors and personal data", () => {
  const capture = () => {
    const lines: string[] = [];
    return { lines, log: createLogger("debug", (l) => lines.push(l)), last: () => JSON.parse(lines.at(-1)!) };
  };

  it("redacts credentials at any depth, in objects and arrays, and in URLs nested anywhere", () => {
    const { log, lines } = capture();
    log.warn("relay: send failed", {
      payload: { token: "tok-SECRET-1", url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-SECRET-2" },
      attempts: [{ headers: { authorization: "Bearer dbn_SECRET3" } }, ["https://x.test/?response_code=SECRET-4&page=2"]],
      deep: { a: { b: { c: { d: { e: { robotKey: "SECRET-5", note: "Bearer SECRET-6 was refused" } } } } } },
    });
    const out = lines.join("\n");
    for (const s of ["SECRET-1", "SECRET-2", "SECRET3", "SECRET-4", "SECRET-5", "SECRET-6"]) expect(out).not.toContain(s);
    const line = JSON.parse(out);
    expect(line.payload.url).toBe("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=[redacted]");
    expect(line.attempts[1][0]).toContain("page=2");
    expect(line.deep.a.b.c.d.e.robotKey).toBe("[redacted]");
  });

  it("survives cycles and prints each loop once", () => {
    const { log, last } = capture();
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;
    const list: unknown[] = [a];
    list.push(list);
    log.info("cyclic", { a, list, shared: [a, a] });
    const line = last();
    expect(line.a.self).toBe("[circular]");
    expect(line.list[1]).toBe("[circular]");
    expect(line.shared.map((x: { name: string }) => x.name)).toEqual(["a", "a"]); // shared, not circular
  });

  it("prints Error objects with name, message, stack and cause, secrets scrubbed from each", () => {
    const { log, last } = capture();
    const cause = Object.assign(new TypeError("fetch https://x.test/send?key=CAUSE-KEY failed"), { code: "ECONNREFUSED", apiKey: "OWN-KEY" });
    const err = new Error("robot push failed for https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=TOP-KEY", { cause });
    log.error("relay", { error: err });
    const line = last();
    expect(line.error.name).toBe("Error");
    expect(line.error.message).toBe("robot push failed for https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=[redacted]");
    expect(line.error.stack).toContain("log.test.ts");
    expect(line.error.cause).toMatchObject({ name: "TypeError", code: "ECONNREFUSED", apiKey: "[redacted]" });
    const out = JSON.stringify(line);
    for (const s of ["CAUSE-KEY", "TOP-KEY", "OWN-KEY"]) expect(out).not.toContain(s);
  });

  it("masks phone and ID numbers in the message and in every string field (R39)", () => {
    const { log, lines } = capture();
    log.info("交办 李四13812345678投诉噪声", { text: "来电 13912345678", nested: [{ idCard: "510104199001011234" }], error: new Error("bad row 13712345678") });
    const out = lines.join("\n");
    for (const n of ["13812345678", "13912345678", "510104199001011234", "13712345678"]) expect(out).not.toContain(n);
    expect(out).toContain("5678"); // masked, not dropped: the last digits stay readable
  });

  it("keeps bytes, dates, maps and bigints readable without dumping them", () => {
    const { log, last } = capture();
    log.info("shapes", { photo: new Uint8Array(2048), at: new Date(Date.UTC(2026, 11, 1)), m: new Map([["token", "M-SECRET"]]), n: 10n });
    const line = last();
    expect(line.photo).toBe("[2048 bytes]");
    expect(line.at).toBe("2026-12-01T00:00:00.000Z");
    expect(line.m).toEqual({ token: "[redacted]" });
    expect(line.n).toBe("10");
  });
});
