import { defineConfig } from "drizzle-kit";

// A remote libSQL server (sqld/Turso) takes the auth token; the embedded file does not. Generating migrations is the
// same SQLite DDL either way.
const url = process.env.DATABASE_URL ?? "file:./data/duban.db";
const remote = /^(libsql|https?|wss?):\/\//.test(url);

export default remote
  ? defineConfig({ dialect: "turso", schema: "./src/db/schema.ts", out: "./drizzle", dbCredentials: { url, authToken: process.env.DATABASE_AUTH_TOKEN } })
  : defineConfig({ dialect: "sqlite", schema: "./src/db/schema.ts", out: "./drizzle", dbCredentials: { url } });
