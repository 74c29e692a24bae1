import { defineConfig } from "vitest/config";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("./drizzle");
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
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: { TEST_MIGRATIONS: migrations, WECOM_MODE: "off", SIMULATOR: "true", LOG_LEVEL: "warn" },
                // needed only for SELF.scheduled(); experimental, so kept out of wrangler.toml
                compatibilityFlags: ["nodejs_compat", "service_binding_extra_handlers"],
                // Every outbound fetch of the Worker lands here: the fake WeCom API on the network edge.
                outboundService: (req: Request) => new Response(`unexpected outbound ${req.url}`, { status: 599 }),
              },
            }),
          ],
          test: {
            name: "workers",
            include: ["test/worker/**/*.test.ts"],
            setupFiles: ["./test/worker/apply-migrations.ts"],
            testTimeout: 30_000,
          },
        },
      ],
    },
  };
});
