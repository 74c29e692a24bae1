/** The database handle every module takes: drizzle over libSQL (Node, Turso/sqld) or D1 (Workers). */
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type * as schema from "./schema.js";

export type Schema = typeof schema;
export type Db = BaseSQLiteDatabase<"async", any, Schema> & { batch: LibSQLDatabase<Schema>["batch"] };
