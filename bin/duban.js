#!/usr/bin/env node
// The `duban` command. Runs the compiled bundle in dist/node; in a checkout whose src/ is newer than the bundle it
// builds first (esbuild, about a second), so `npm start` and `npx duban` always run compiled JavaScript.
const [major] = process.versions.node.split(".").map(Number);
if (major < 22) {
  console.error(`duban 需要 Node.js 22 或更高版本，当前为 ${process.version}。请用 npm start / npx duban（使用项目自带的 Node 24），或升级 Node。\n` +
    `duban needs Node.js 22 or newer (this is ${process.version}): run it through npm start / npx duban, which use the project's own Node 24.`);
  process.exit(1);
}
const { enableCompileCache } = await import("node:module");
enableCompileCache?.(); // V8 keeps the compiled bundle between runs

const { existsSync, readdirSync, statSync } = await import("node:fs");
const root = new URL("../", import.meta.url);
const bundle = new URL("dist/node/cli.js", root);

/** Newest modification time under src/ and of the lockfile (dependencies are bundled too); 0 without src/. */
function newestSource() {
  const src = new URL("src/", root);
  if (!existsSync(src)) return 0;
  let newest = existsSync(new URL("package-lock.json", root)) ? statSync(new URL("package-lock.json", root)).mtimeMs : 0;
  for (const e of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) newest = Math.max(newest, statSync(`${e.parentPath}/${e.name}`).mtimeMs);
  }
  return newest;
}

if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource()) {
  try {
    await (await import("../scripts/build.mjs")).buildNode();
  } catch (e) {
    console.error(`duban：无法编译 dist/node（${e?.message ?? e}），请运行 npm run build。\nduban: could not build dist/node; run \`npm run build\`.`);
    process.exit(1);
  }
}

const argv = process.argv.slice(2);
const { helpRequest, helpText } = await import(new URL("dist/node/help.js", root).href);
const help = helpRequest(argv);
if (help) {
  const text = helpText(help.verb);
  process.stdout.write(text ?? `${helpText()}\n未知命令 unknown command: ${help.verb}\n`);
  process.exit(text ? 0 : 2);
}
const { main } = await import(bundle.href);
main(argv).then(
  (code) => code >= 0 && process.exit(code),
  (e) => {
    console.error(e?.name === "ConfigError" ? e.message : `duban: ${e?.message ?? e}`);
    process.exit(1);
  },
);
