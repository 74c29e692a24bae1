import { defineConfig } from "vitest/config";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { createFakeWecom, TEST_AES_KEY, TEST_TOKEN } from "./test/helpers/fake-wecom-api.js";
import { APP_KEY, APP_SECRET, FakeDingtalk, ROBOT_CODE, signedHeaders } from "./test/helpers/fake-dingtalk.js";

// Worker tests that talk through the chat simulator: they run in local mode, as SIMULATOR is refused elsewhere.
const SIM_TESTS = ["test/worker/scenario.test.ts", "test/worker/photo-evidence.test.ts", "test/worker/rounds-gate.test.ts"];

// The fake WeCom API for workerd: robot webhook, response_url and media, recording calls (runs in Node).
const fakeWecom = createFakeWecom();
// The fake DingTalk for workerd (DINGTALK_API_BASE below; sessionWebhooks on oapi.dingtalk.com are re-pointed to it).
const DINGTALK_BASE = "https://api.dingtalk.fake.test";
const fakeDingtalk = new FakeDingtalk();
fakeDingtalk.url = DINGTALK_BASE;
/** Test controls: what the fake received, and callback headers signed by the independent node:crypto client. */
function dingtalkControls(req: Request): Response | Promise<Response> {
  const u = new URL(req.url);
  if (u.pathname === "/__sent") return Response.json(fakeDingtalk.sent);
  if (u.pathname === "/__signed") return Response.json(signedHeaders(Number(u.searchParams.get("ts")), u.searchParams.get("secret") ?? APP_SECRET));
  return fakeDingtalk.handle(req);
}

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./drizzle");

  /** One workerd project: the Worker under test with its own vars, D1 migrated by the setup file. */
  const workerdProject = (name: string, include: string[], exclude: string[], vars: Record<string, string>) => ({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: { TEST_MIGRATIONS: migrations, LOG_LEVEL: "warn", ...vars },
          // Test controls of the fake (recorded calls, media, sealing callbacks with @wecom/crypto in Node).
          serviceBindings: { FAKE_WECOM: (req: Request) => fakeWecom.handle(req), FAKE_DINGTALK: dingtalkControls },
          // needed only for SELF.scheduled(); experimental, so kept out of wrangler.toml
          compatibilityFlags: ["nodejs_compat", "service_binding_extra_handlers"],
          // Every outbound fetch of the Worker lands here: the fake DingTalk for its base, else the fake WeCom API (unknown URLs get 599).
          outboundService: (req: Request) => (new URL(req.url).origin === DINGTALK_BASE ? fakeDingtalk.handle(req) : fakeWecom.handle(req)),
        },
      }),
    ],
    test: { name, include, exclude, setupFiles: ["./test/worker/apply-migrations.ts"], testTimeout: 30_000 },
  });

  return {
    test: {
      reporters: ["default"],
      projects: [
        {
          test: {
            name: "node",
            include: ["test/node/**/*.test.{ts,tsx}"],
            environment: "node",
            testTimeout: 30_000,
            hookTimeout: 60_000,
          },
        },
        // Callback mode (the simulator is refused outside local mode): the WeCom callback, web, cron and D1 tests.
        workerdProject("workers", ["test/worker/**/*.test.ts"], SIM_TESTS, {
          WECOM_MODE: "callback",
          WECOM_TOKEN: TEST_TOKEN,
          WECOM_ENCODING_AES_KEY: TEST_AES_KEY,
          WECOM_API_BASE: "https://qyapi.fake.test",
          SESSION_SECRET: "workerd-test-session-secret-0123456789",
          // DingTalk beside WeCom (issue 15): both channels on one D1.
          DINGTALK_MODE: "http",
          DINGTALK_APP_KEY: APP_KEY,
          DINGTALK_APP_SECRET: APP_SECRET,
          DINGTALK_ROBOT_CODE: ROBOT_CODE,
          DINGTALK_API_BASE: DINGTALK_BASE,
        }),
        // Local mode with the simulator: the lifecycle scenario against D1 and R2.
        // (Local mode answers on localhost only; the tests seed their own district, so no demo data.)
        workerdProject("workers-local", SIM_TESTS, [], { WECOM_MODE: "off", DEMO_SEED: "false" }),
      ],
    },
  };
});
