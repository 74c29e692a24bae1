/**
 * The import graph (issue 15): no cycles, type-only imports included, and no upward imports between the layers —
 * the rules of .dependency-cruiser.cjs, run with dependency-cruiser's own API over src/. The same rules run over a
 * tiny fixture tree that breaks each kind of rule, so the check is shown to fail when it should.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cruise, type ICruiseResult, type IConfiguration } from "dependency-cruiser";

const root = join(dirname(new URL(import.meta.url).pathname), "../..");
const config = createRequire(import.meta.url)(join(root, ".dependency-cruiser.cjs")) as IConfiguration;

async function check(baseDir: string): Promise<{ result: ICruiseResult; found: string[] }> {
  const { output } = await cruise(["src"], { ...config.options, baseDir, validate: true, ruleSet: { forbidden: config.forbidden } });
  const result = output as ICruiseResult;
  const found = result.summary.violations.map((v) =>
    v.cycle?.length ? `${v.rule.name}: ${[v.from, ...v.cycle.map((c) => c.name)].join(" → ")}` : `${v.rule.name}: ${v.from} → ${v.to}`,
  );
  return { result, found };
}

const tmp = mkdtempSync(join(tmpdir(), "duban-graph-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmp, "t-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe("the import graph", () => {
  it("has no cycle and no upward import in src/", { timeout: 120_000 }, async () => {
    const { result, found } = await check(root);
    // Guards against a check that passes by reading nothing: the tree is cruised and .js specifiers resolve to .ts.
    expect(result.modules.length).toBeGreaterThan(200);
    const route = result.modules.find((m) => m.source === "src/bot/route.ts");
    expect(route?.dependencies.map((d) => d.resolved)).toContain("src/handlers/create-case.ts");
    expect(found).toEqual([]);
  });

  it("fails on a type-only cycle and on each kind of upward import", { timeout: 60_000 }, async () => {
    const dir = tree({
      "src/handlers/a.ts": 'import type { B } from "./b.js";\nexport type A = { b?: B };\n',
      "src/handlers/b.ts": 'import type { A } from "./a.js";\nexport type B = { a?: A };\n',
      "src/domain/pure.ts": 'import { fold } from "../bot/normalize.js";\nexport const key = (s: string) => fold(s);\n',
      "src/bot/normalize.ts": "export const fold = (s: string) => s.trim();\n",
      "src/api/route.ts": 'import type { WebEnv } from "../web/context.js";\nexport type E = WebEnv;\n',
      "src/web/context.ts": "export type WebEnv = { Variables: {} };\n",
      "src/web/pages/page.ts": 'import type { AppEnv } from "../../app.js";\nexport type P = AppEnv;\n',
      "src/app.ts": "export type AppEnv = { Variables: {} };\n",
      "src/db/rows.ts": 'import type { A } from "../handlers/a.js";\nexport type R = A;\n',
    });
    const { found } = await check(dir);
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^no-cycle: src\/handlers\/(a|b)\.ts → /),
        "domain-is-a-leaf: src/domain/pure.ts → src/bot/normalize.ts",
        "api-never-imports-web: src/api/route.ts → src/web/context.ts",
        "only-entries-import-the-app: src/web/pages/page.ts → src/app.ts",
        "db-below-use-cases: src/db/rows.ts → src/handlers/a.ts",
      ]),
    );
  });
});
