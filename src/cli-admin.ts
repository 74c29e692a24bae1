/**
 * `duban admin create --user <userid> --name <name> [--unit <unit name>]`: asks for the password twice (or reads
 * DUBAN_ADMIN_PASSWORD). `duban admin role-changes | approve --id <n> | reject --id <n>`: the operator on the host
 * decides pending grants of sensitive roles — how a single-administrator install gets a second approver (R34).
 */
import { parseArgs } from "node:util";
import { createInterface } from "node:readline";
import { assertResidency, parseConfig } from "./config.js";
import { migrateNodeDb, openNodeDb } from "./db/open-node.js";
import { createAdmin, CreateAdminError } from "./web/auth/create-admin.js";
import { nodeHasher } from "./web/auth/password-node.js";
import { personByUserId } from "./db/login.js";
import { resetMfa } from "./db/mfa.js";
import { commit, insertAudit } from "./db/write.js";
import { CLI_DECIDER, decideRoleChange, listRoleChanges } from "./db/admin/role-changes.js";
import type { Db } from "./db/types.js";

export const ADMIN_USAGE =
  "  admin create --user <userid> --name <name> [--unit <unit name>]   make the first administrator (password prompted, or DUBAN_ADMIN_PASSWORD)\n" +
  "  admin reset-mfa --user <userid>   forget a person's authenticator (lost phone); the next sign-in enrols again\n" +
  "  admin role-changes   list role grants waiting for a second administrator\n" +
  "  admin approve --id <n> | admin reject --id <n>   decide one as the operator on the host (audited as (cli))\n";

/** Ask for the password twice on one readline interface; typed characters are not echoed on a terminal. */
async function askPasswordTwice(): Promise<[string, string]> {
  const tty = !!process.stdin.isTTY;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: tty });
  const muted = rl as unknown as { _writeToOutput: (s: string) => void };
  const original = muted._writeToOutput?.bind(rl);
  let mute = false;
  if (tty) muted._writeToOutput = (s: string) => (mute ? void (s.includes("\n") || s.includes("\r") ? process.stdout.write("\n") : undefined) : original?.(s));
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (q: string) => {
    process.stdout.write(q);
    mute = true;
    const { value, done } = await lines.next();
    mute = false;
    if (!tty) process.stdout.write("\n");
    return done ? "" : String(value);
  };
  try {
    return [await ask("新密码（至少 8 个字符）: "), await ask("再次输入: ")];
  } finally {
    rl.close();
  }
}

export async function adminCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values } = parseArgs({ args: rest, options: { user: { type: "string" }, name: { type: "string" }, unit: { type: "string" }, id: { type: "string" } } });
  if (sub === "reset-mfa" && values.user) return resetMfaCommand(values.user);
  if (sub === "role-changes") return withDb((db) => roleChangesCommand(db, "list", 0, Date.now()));
  if ((sub === "approve" || sub === "reject") && values.id && /^[1-9]\d{0,9}$/.test(values.id)) {
    const id = Number(values.id);
    return withDb((db) => roleChangesCommand(db, sub, id, Date.now()));
  }
  if (sub !== "create" || !values.user || !values.name) {
    console.error(`Usage:\n${ADMIN_USAGE}`);
    return 2;
  }
  let password = process.env.DUBAN_ADMIN_PASSWORD ?? "";
  if (!password) {
    const [first, again] = await askPasswordTwice();
    password = first;
    if (again !== first) {
      console.error("The two passwords differ; nothing was created.");
      return 2;
    }
  }
  const config = parseConfig(process.env);
  assertResidency(config);
  const store = await openNodeDb(config.databaseUrl, config.databaseAuthToken);
  try {
    await migrateNodeDb(store.db);
    const r = await createAdmin(store.db, nodeHasher, { userId: values.user, name: values.name, unitName: values.unit, password }, Date.now());
    console.log(`Administrator ${values.user} created (person ${r.personId}). Sign in at ${config.publicBaseUrl}/login`);
    return 0;
  } catch (e) {
    if (e instanceof CreateAdminError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  } finally {
    store.close();
  }
}

/** The way back in when the only administrator lost the phone: run on the server, so it needs no sign-in. */
async function resetMfaCommand(userId: string): Promise<number> {
  const config = parseConfig(process.env);
  assertResidency(config);
  const store = await openNodeDb(config.databaseUrl, config.databaseAuthToken);
  try {
    await migrateNodeDb(store.db);
    const person = await personByUserId(store.db, userId);
    if (!person) {
      console.error(`No person with userid "${userId}".`);
      return 2;
    }
    const now = Date.now();
    await commit(store.db, [
      ...resetMfa(store.db, person.id, now),
      insertAudit(store.db, { at: now, actor: "(cli)", action: "admin.person.reset_mfa", object: `person:${person.id}`, result: "ok", source: "cli" }),
    ]);
    console.log(`Authenticator of ${userId} reset and sessions ended; the next sign-in shows a new QR code to enrol.`);
    return 0;
  } finally {
    store.close();
  }
}

async function withDb(run: (db: Db) => Promise<number>): Promise<number> {
  const config = parseConfig(process.env);
  assertResidency(config);
  const store = await openNodeDb(config.databaseUrl, config.databaseAuthToken);
  try {
    await migrateNodeDb(store.db);
    return await run(store.db);
  } finally {
    store.close();
  }
}

/**
 * List or decide pending role grants. The host's operator may approve any proposal (access to the host and its
 * database is already total), which is how an install with one administrator grants a role; each is audited.
 */
export async function roleChangesCommand(db: Db, verb: "list" | "approve" | "reject", id: number, now: number): Promise<number> {
  if (verb === "list") {
    const rows = await listRoleChanges(db, { pendingOnly: true });
    if (rows.length === 0) console.log("No role changes are waiting.");
    for (const r of rows) console.log(`#${r.id}\t${r.userId}\t${r.currentRoles.join("+") || "-"} -> ${r.rolesAfter.join("+")}\tproposed by ${r.proposedBy}`);
    return 0;
  }
  const res = await decideRoleChange(db, id, verb, CLI_DECIDER, now);
  if (res === "approved" || res === "rejected") {
    console.log(`Role change #${id} ${res}.`);
    return 0;
  }
  console.error(res === "stale" ? `Role change #${id} is stale: the person's roles changed since it was proposed; nothing applied.` : `No pending role change #${id}.`);
  return 2;
}
