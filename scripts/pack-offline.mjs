#!/usr/bin/env node
/**
 * `npm run pack:offline`: a tarball that starts with `npm start` on a machine without registry access (same CPU
 * architecture and libc): compiled server, migrations, production node_modules (Node 24 itself included, as the
 * `node` package), deploy examples. The Dockerfile's build stage runs this same script with --stage.
 *
 *   node scripts/pack-offline.mjs                 → dist/duban-<version>-linux-<arch>.tgz
 *   node scripts/pack-offline.mjs --stage <dir>   → the unpacked tree in <dir>, no tarball (Docker)
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { arch, platform } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildNode } from "./build.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({ options: { stage: { type: "string" } } });
const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const name = `duban-${version}-${platform()}-${arch()}`;
const stage = resolve(values.stage ?? join(ROOT, "dist", "offline", name));

await buildNode();
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
for (const p of ["package.json", "package-lock.json", "README.md", "bin", "dist/node", "drizzle", "deploy", ".dev.vars.example"]) {
  cpSync(join(ROOT, p), join(stage, p), { recursive: true });
}
// Production dependencies exactly as locked; the npm cache makes this work offline where it has run before.
execFileSync("npm", ["ci", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline"], { cwd: stage, stdio: ["ignore", "inherit", "inherit"] });

if (!values.stage) {
  const out = join(ROOT, "dist", `${name}.tgz`);
  execFileSync("tar", ["-czf", out, "-C", dirname(stage), basename(stage)], { stdio: "inherit" });
  rmSync(stage, { recursive: true, force: true });
  console.log(out);
}
