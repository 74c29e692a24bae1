/** The API's one error mapping: zod issues and domain errors → JSON `{ error, message, issues? }` with Chinese text. */
import type { Context } from "hono";
import type { z } from "zod";
// One locale by its own entry point: `z.locales.zhCN` would keep all 64 locales in the Worker bundle.
import zhCNLocale from "zod/v4/locales/zh-CN.js";
import { DomainError, type DomainErrorCode } from "../handlers/errors.js";

/** zod's Chinese messages for every issue without a message of our own. */
export const zhCN = zhCNLocale().localeError;

export function validationError(c: Context, e: z.ZodError) {
  const issues = e.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  const message = issues.map((i) => (i.path ? `${i.path}：${i.message}` : i.message)).join("；");
  return c.json({ error: "VALIDATION", message: `请求参数有误：${message}`, issues }, 400);
}

const STATUS: Record<DomainErrorCode, 403 | 404 | 409 | 422 | 429> = {
  CASE_NOT_FOUND: 404,
  FORBIDDEN: 403,
  INVALID_TRANSITION: 409,
  UNIT_NOT_FOUND: 422,
  UNIT_AMBIGUOUS: 422,
  PERSON_NOT_FOUND: 422,
  BAD_INPUT: 422,
  GATE_FAILED: 422,
  RATE_LIMITED: 429,
  NOT_REGISTERED: 403,
};

export function domainError(c: Context, e: DomainError) {
  return c.json({ error: e.code, message: e.message, ...(e.usage ? { hint: e.usage } : {}) }, STATUS[e.code]);
}

export const notFound = (c: Context) => c.json({ error: "NOT_FOUND", message: "没有找到该资源，或它不在您的查看范围内" }, 404);

/** Parse JSON body or query with zod (Chinese messages); undefined + response on failure. */
export async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return Symbol.for("bad-json");
  }
}
export const BAD_JSON = Symbol.for("bad-json");
