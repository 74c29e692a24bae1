/** What every dashboard route sees: the environment types (src/env.ts) and the role guard (src/http/auth.ts). */
export type { WebEnv, WebUser } from "../env.js";
export { requireRole } from "../http/auth.js";
