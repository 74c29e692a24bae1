#!/usr/bin/env node
/**
 * `npm run dev:worker [-- --port 8788]`: the Worker in local mode on this machine — local D1 migrated, the demo
 * district seeded on the first request, the chat simulator at /sim. Port from --port, else PORT, else 8787.
 * Extra arguments go to `wrangler dev` (e.g. --var WECOM_MODE:callback --var WECOM_TOKEN:… to try callback mode).
 */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const WRANGLER = `${ROOT}node_modules/.bin/wrangler`;
const args = process.argv.slice(2);
const at = args.indexOf("--port");
const port = at >= 0 ? args.splice(at, 2)[1] : process.env.PORT || "8787";
// --persist-to <dir> (local D1/R2 state elsewhere than .wrangler/state, e.g. for tests) applies to both steps.
const pt = args.indexOf("--persist-to");
const persist = pt >= 0 ? args.slice(pt, pt + 2) : [];
const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };

const migrate = spawnSync(WRANGLER, ["d1", "migrations", "apply", "duban", "--local", ...persist], { cwd: ROOT, env, stdio: ["ignore", "inherit", "inherit"] });
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

// Local mode unless the caller passes its own WECOM_MODE; wrangler.toml's production vars stay as they are.
const mode = args.some((a) => a.startsWith("WECOM_MODE:")) ? [] : ["--var", "WECOM_MODE:off"];
const dev = spawn(WRANGLER, ["dev", "--ip", "127.0.0.1", "--port", port, ...mode, ...args], { cwd: ROOT, env, stdio: "inherit" });
for (const s of ["SIGINT", "SIGTERM"]) process.on(s, () => dev.kill(s));
dev.on("exit", (code) => process.exit(code ?? 0));
