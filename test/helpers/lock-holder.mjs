// Another process on the same database file: takes the write lock (BEGIN IMMEDIATE) and keeps it until told
// "release" on stdin. node:sqlite (Node 24), so the lock comes from a different SQLite than the app's libsql.
import { DatabaseSync } from "node:sqlite";
import { createInterface } from "node:readline";

const db = new DatabaseSync(process.argv[2]);
db.exec("PRAGMA busy_timeout=5000");
db.exec("BEGIN IMMEDIATE");
process.stdout.write("locked\n");
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() !== "release") return;
  db.exec("ROLLBACK");
  db.close();
  process.stdout.write("released\n");
  process.exit(0);
});
