/**
 * Body limits inside workerd (R09): the same middleware on the Workers runtime, with streamed bodies from a generator.
 * Memory is measured in test/node/body-limit.test.ts; here the answers, and that the body was not read to its end.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

const BASE = "https://duban.test";
const MB = 1024 * 1024;

/** A body of `total` bytes made on demand; `pulled()` says how much of it anyone asked for. */
function generated(total: number) {
  const chunk = new Uint8Array(64 * 1024).fill(97);
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) return controller.close();
        const n = Math.min(chunk.length, total - pulled);
        pulled += n;
        controller.enqueue(chunk.slice(0, n));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled };
}

const streamed = (path: string, total: number, headers: Record<string, string> = {}) => {
  const body = generated(total);
  const res = SELF.fetch(`${BASE}${path}`, { method: "POST", headers: { "content-type": "multipart/form-data; boundary=x", ...headers }, body: body.stream });
  return res.then((r) => ({ res: r, pulled: body.pulled() }));
};

describe("request body limits on Workers (R09)", () => {
  it("answers an unknown path 404 without reading its body", async () => {
    const { res, pulled } = await streamed("/no-such-path", 64 * MB);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toBe("页面不存在");
    expect(pulled).toBeLessThan(64 * MB);
  });

  it("refuses a declared oversize form with 413 and a Chinese page", async () => {
    const res = await SELF.fetch(`${BASE}/login`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a".repeat(300 * 1024) });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("请求内容过大（上限 256 KB）");
  });

  it("cuts a streamed body off at the cap: the pre-sign-in form at 16 KB, the WeCom callback at 64 KB", async () => {
    const form = await SELF.fetch(`${BASE}/login`);
    const pre = form.headers.getSetCookie().find((l) => l.startsWith("__Host-duban_pre="))!.split(";")[0];
    await form.text();
    const login = await streamed("/login", 64 * MB, { cookie: pre, origin: BASE });
    expect(login.res.status).toBe(413);
    expect(await login.res.text()).toContain("上限 16 KB");
    expect(login.pulled).toBeLessThan(64 * MB);

    const callback = await streamed("/wecom/callback?msg_signature=" + "0".repeat(40) + "&timestamp=1&nonce=n", 64 * MB, { "content-type": "application/json" });
    expect(callback.res.status).toBe(413);
    expect(callback.pulled).toBeLessThan(64 * MB);
  });

  it("refuses a stranger before reading: no session and no pre-sign-in cookie is a 403", async () => {
    const { res, pulled } = await streamed("/dashboard/import/preview", 64 * MB, { origin: BASE });
    expect(res.status).toBe(403);
    expect(pulled).toBeLessThan(64 * MB);
  });
});
