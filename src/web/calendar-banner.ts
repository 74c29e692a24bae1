/**
 * The missing-holiday-plan banner (issue 14 item 6): admins and dispatchers see, on every dashboard and admin page,
 * that a year's official plan is not loaded. Computed from the cached calendar: no query per page.
 */
import type { MiddlewareHandler } from "hono";
import { missingPlanYear } from "../domain/calendar.js";
import type { WebEnv } from "./context.js";

export function calendarBanner(): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const user = c.get("user");
    const page = c.req.method === "GET" && (c.req.path === "/admin" || /^\/(admin|dashboard)(\/|$)/.test(c.req.path));
    if (page && user?.via === "session" && user.roles.some((r) => r === "admin" || r === "dispatcher")) {
      const deps = c.get("deps");
      const year = missingPlanYear(await deps.calendar(), deps.clock());
      if (year) c.set("user", { ...user, calendarMissingYear: year });
    }
    await next();
  };
}
