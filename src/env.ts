/**
 * The HTTP environment types of the one Hono app, in a leaf module that imports only types from below (as Hono's
 * own `src/types.ts`): routes import these, never src/app.ts, so building the app and its routes form no cycle.
 */
import type { Role } from "./db/schema.js";
import type { Deps } from "./deps.js";

/** What every route sees: the deps (with this request's waitUntil) and a correlation id (R38). */
export type AppEnv = { Variables: { deps: Deps; requestId: string } };

/** The signed-in person (dashboard session) or API token holder, from stored data. */
export type WebUser = {
  personId: number; userId: string; name: string; unitId: number | null; roles: Role[]; sessionId?: string; csrf?: string; via: "session" | "token";
  /** Set per page for admins and dispatchers while a year's holiday plan is missing (web/calendar-banner.ts). */
  calendarMissingYear?: number;
};

/** The dashboard's and the API's environment: AppEnv plus who is signed in. */
export type WebEnv = {
  Variables: AppEnv["Variables"] & {
    user?: WebUser;
    /** Set when the request presented a session that has ended (logout, idle, 12 h, disabled): answer 401, not a redirect. */
    authEnded?: string;
    /** This response's CSP nonce: inline <script nonce={…}> must carry it (src/web/security.ts). */
    cspNonce?: string;
  };
};
