/**
 * API authentication: `Authorization: Bearer dbn_…` sets the user from the token row (via "token"); without
 * a Bearer header the signed-in session (set app-wide) is used. Every route then checks roles (default deny).
 */
import type { MiddlewareHandler } from "hono";
import { findApiToken } from "../db/api-tokens.js";
import type { WebEnv } from "../env.js";

export const bearerAuth = (): MiddlewareHandler<WebEnv> => async (c, next) => {
  const header = c.req.header("authorization");
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const row = m ? await findApiToken(c.get("deps").db, m[1]) : undefined;
    if (!row) {
      c.get("deps").log.warn("api: invalid token", { requestId: c.get("requestId") });
      return c.json({ error: "UNAUTHENTICATED", message: "API 令牌无效或已撤销" }, 401, { "WWW-Authenticate": 'Bearer realm="duban"' });
    }
    c.set("user", { personId: 0, userId: `api:${row.id}`, name: `API:${row.name}`, unitId: row.unitId, roles: row.roles, via: "token" });
  }
  await next();
};
