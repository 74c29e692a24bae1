#!/usr/bin/env node
// The `duban` command: runs the TypeScript CLI through tsx's loader (Node >= 22 required).
import { register } from "tsx/esm/api";
register();
const { main } = await import("../src/cli.ts");
main(process.argv.slice(2)).then(
  (code) => code >= 0 && process.exit(code),
  (e) => {
    console.error(e?.name === "ConfigError" ? e.message : `duban: ${e?.message ?? e}`);
    process.exit(1);
  },
);
