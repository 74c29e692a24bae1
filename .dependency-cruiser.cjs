/**
 * The import graph's rules (issue 15; docs/architecture.md "Use-case contract"): no cycles, type-only imports
 * included, and no upward imports between the layers. Checked by test/node/import-graph.test.ts, so `npm test`
 * fails on a violation; `npx depcruise src --config .dependency-cruiser.cjs` prints the same findings.
 */
const upward = (name, from, to, comment) => ({ name, severity: "error", comment, from: { path: from }, to: { path: to } });

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycle",
      severity: "error",
      comment: "A cycle, type-only imports included: modules that need each other belong in one module or on one level.",
      from: {},
      to: { circular: true },
    },
    upward("domain-is-a-leaf", "^src/domain/", "^src/(?!domain/)", "src/domain/ is pure: it imports only from src/domain/."),
    upward("db-below-use-cases", "^src/db/", "^src/(handlers|bot|web|api|schedules|delivery)/", "src/db/ imports only domain (and other db modules)."),
    upward("sheets-below-use-cases", "^src/sheets/", "^src/(handlers|bot|web|api|schedules|delivery)/", "Hand-over list parsing is shared by the import use case, the dashboard and the CLI."),
    upward("handlers-know-no-surface", "^src/handlers/", "^src/(bot|web|api)/", "Use cases take plain inputs; no chat, dashboard or API module below them."),
    upward("api-never-imports-web", "^src/api/", "^src/web/", "Shared HTTP pieces live in src/http/ or src/env.ts."),
    upward("delivery-below-use-cases", "^src/delivery/", "^src/(handlers|web|api|bot)/", "The relay knows channels through deps, not the chat modules."),
    upward("schedules-know-no-surface", "^src/schedules/", "^src/(bot|web|api)/", "Schedules run use cases and compose neutral content."),
    {
      name: "only-entries-import-the-app",
      severity: "error",
      comment: "Routes take their environment types from src/env.ts; only the runtime entries build the app.",
      from: { path: "^src/", pathNot: "^src/(runtime/|app\\.ts$)" },
      to: { path: "^src/app\\.ts$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules" },
    // Type-only imports count: `import type` cycles are cycles too (the 39-file AppEnv cycle was type-only).
    tsPreCompilationDeps: true,
    // swc parses the TypeScript: dependency-cruiser 18 cannot use the TypeScript 7 compiler this project builds with.
    parser: "swc",
    enhancedResolveOptions: { extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"] },
  },
};
