/** Loopback plumbing shared by tests and benchmarks: a free port, and the fake WeCom API on a real socket. */
import { createServer } from "node:net";
import { join } from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import { TEST_AES_KEY, TEST_TOKEN } from "./fake-wecom-api.js";

/** A port nobody listens on right now (the kernel's choice on 127.0.0.1). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Serve a fetch handler (e.g. createFakeWecom().handle) on 127.0.0.1; its base URL becomes WECOM_API_BASE. */
export async function serveLoopback(handle: (req: Request) => Response | Promise<Response>): Promise<{ server: ServerType; url: string }> {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: handle, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const addr = server.address();
  return { server, url: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}` };
}

/** Settings of a callback-mode `startNode` in `dir` talking to the fake WeCom API at `apiBase`. */
export function callbackEnv(dir: string, apiBase: string, logLevel = "error"): Record<string, string> {
  return {
    PORT: "0", HOST: "127.0.0.1", DATABASE_URL: `file:${join(dir, "duban.db")}`, FILES_DIR: join(dir, "files"), LOG_LEVEL: logLevel,
    WECOM_MODE: "callback", WECOM_TOKEN: TEST_TOKEN, WECOM_ENCODING_AES_KEY: TEST_AES_KEY, WECOM_BOT_ID: "BOT", WECOM_API_BASE: apiBase,
    SESSION_SECRET: "s".repeat(40), SIMULATOR: "false", DEMO_SEED: "false",
  };
}
