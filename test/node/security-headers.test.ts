/**
 * The security headers (src/web/security.ts, R33) reach every response: one we built (headers set in place) and an
 * immutable one such as Response.redirect (copied once), with the body and status kept.
 */
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { securityHeaders } from "../../src/web/security.js";
import type { WebEnv } from "../../src/web/context.js";

const app = new Hono<WebEnv>();
app.use("*", securityHeaders());
app.get("/text", (c) => c.text("你好", 201, { "x-mine": "1" }));
app.get("/immutable", () => Response.redirect("http://127.0.0.1/elsewhere", 302));

describe("security headers", () => {
  for (const [path, status] of [["/text", 201], ["/immutable", 302]] as const) {
    it(`are set on ${path}`, async () => {
      const res = await app.request(path);
      expect(res.status).toBe(status);
      for (const h of ["strict-transport-security", "content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options", "cross-origin-opener-policy", "permissions-policy"]) {
        expect(res.headers.get(h), h).toBeTruthy();
      }
      if (path === "/text") expect([res.headers.get("x-mine"), await res.text()]).toEqual(["1", "你好"]);
      else expect(res.headers.get("location")).toBe("http://127.0.0.1/elsewhere");
    });
  }
});
