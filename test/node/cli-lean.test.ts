/**
 * The CLI's operator verbs (tick, digest --preview, import, token) build their deps without the HTTP server
 * (issue 12: a command's own start). Checked on the module graph esbuild bundles for them: the app, its routes
 * and the Node HTTP adapter must not be reachable from src/runtime/node-build.ts.
 */
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

async function inputsOf(entry: string): Promise<string[]> {
  const r = await build({
    absWorkingDir: ROOT, entryPoints: [entry], bundle: true, write: false, metafile: true, platform: "node", format: "esm",
    external: ["@libsql/client", "libsql"], logLevel: "silent",
  });
  return Object.keys(r.metafile.inputs);
}

describe("operator verbs load no server", () => {
  it("node-build.ts reaches neither the app nor @hono/node-server; node.ts (serve) does", async () => {
    const lean = await inputsOf("src/runtime/node-build.ts");
    expect(lean).toContain("src/schedules/calendar-plan.ts");
    // (esbuild lists lazily imported modules too, so the chat pipeline behind inbound recovery cannot be checked here.)
    expect(lean.filter((f) => f === "src/app.ts" || f.startsWith("src/web/pages/") || f.includes("@hono/node-server"))).toEqual([]);
    expect(await inputsOf("src/runtime/node.ts")).toContain("src/app.ts");
  }, 60_000);
});
