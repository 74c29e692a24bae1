/**
 * The embedded file's single connection, made to recover after lock contention (R26, issue 16 item 6).
 *
 * Root cause of "SQLITE_BUSY: cannot commit transaction - SQL statements in progress" long after an outside
 * lock was released: when a statement (usually the batch's `BEGIN IMMEDIATE`) gives up with SQLITE_BUSY after
 * busy_timeout, SQLite leaves it mid-step until it is reset or finalised. The libsql binding has no finalise:
 * the statement only goes away when V8 collects it, which took 39–64 s in practice. Until then every COMMIT on
 * that connection fails. The cure is to drop that connection and open a fresh one — with the pragmas applied
 * and read back again, because the pool would otherwise open it bare.
 */
import { createClient, type Client } from "@libsql/client";

export type DbHealth = "ok" | "busy" | "readonly";

type Methods = Pick<Client, "execute" | "batch" | "executeMultiple" | "migrate">;

/** Errors after which the connection may hold a half-run statement or an open transaction. */
export function leavesConnectionDirty(e: unknown): boolean {
  const code = String((e as { code?: unknown })?.code ?? "");
  const msg = String((e as { message?: unknown })?.message ?? "");
  return /^SQLITE_(BUSY|LOCKED|INTERRUPT|PROTOCOL|IOERR)/.test(code) || /statements in progress|cannot (commit|rollback)/i.test(msg);
}

/**
 * Errors that say nothing ran: the connection refused to commit because of its own leftover state, or our own
 * reset closed it under a waiting call. A batch is all-or-nothing, so running it again is safe (a script run by
 * executeMultiple is not, so that one is only reset, never re-run).
 */
export function worthRetry(e: unknown): boolean {
  const code = String((e as { code?: unknown })?.code ?? "");
  const msg = String((e as { message?: unknown })?.message ?? "");
  return /statements in progress/i.test(msg) || code === "SQLITE_INTERRUPT" || code === "CLIENT_CLOSED";
}

export type Resilient = {
  /** Drop the connection and open a fresh one with the pragmas verified; concurrent callers share one reset. */
  reset: () => Promise<void>;
  /** How many resets happened (tests and logs). */
  resets: () => number;
};

/**
 * Wrap `client` in place: every call waits for a reset in progress; a call that fails in a way that can leave
 * the connection dirty resets it, and one whose failure means "nothing ran" is tried once more.
 * A plain `database is locked` (someone else held the lock past busy_timeout) is passed on after the reset:
 * retrying would block the process for another busy_timeout.
 */
export function makeResilient(client: Client, preparePragmas: (c: Pick<Client, "execute">) => Promise<void>): Resilient {
  let gate: Promise<void> | undefined;
  let count = 0;
  // A reset that failed (pragmas not applied) is tried again before anything else runs: never work without them.
  let broken = false;
  const originals = {} as Methods;
  const reset = () =>
    (gate ??= (async () => {
      count++;
      broken = true;
      await client.reconnect();
      // Through the unwrapped execute: a failure here must not start another reset.
      await preparePragmas(originals);
      broken = false;
    })().finally(() => (gate = undefined)));

  for (const name of ["execute", "batch", "executeMultiple", "migrate"] as const) {
    const original = (client[name] as (...a: unknown[]) => Promise<unknown>).bind(client);
    (originals as unknown as Record<string, unknown>)[name] = original;
    (client as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      for (let attempt = 0; ; attempt++) {
        while (gate) await gate.catch(() => undefined);
        if (broken && !client.closed) await reset();
        const resetsBefore = count;
        try {
          return await original(...args);
        } catch (e) {
          if (client.closed) throw e; // closed by its owner: nothing to recover
          const closedUnderUs = count !== resetsBefore; // another caller's reset closed the connection mid-call
          if (!closedUnderUs && leavesConnectionDirty(e)) await reset().catch(() => undefined); // the next call retries it
          const locked = /database is locked/i.test(String((e as Error)?.message));
          if (attempt === 0 && !locked && name !== "executeMultiple" && (closedUnderUs || worthRetry(e))) continue;
          throw e;
        }
      }
    };
  }
  return { reset, resets: () => count };
}

/**
 * A second, tiny connection for /healthz: `BEGIN IMMEDIATE` then `COMMIT` of nothing, waiting at most
 * `waitMs` for the lock, so frequent polling neither writes to the file nor holds up the process for the
 * main connection's busy_timeout. A probe connection that failed is dropped for the same reason as above.
 */
export function writeProbe(file: string, waitMs = 100): { check: () => Promise<DbHealth>; close: () => void } {
  let probe: Client | undefined;
  const close = () => {
    probe?.close();
    probe = undefined;
  };
  const check = async (): Promise<DbHealth> => {
    try {
      if (!probe) {
        probe = createClient({ url: `file:${file}`, concurrency: 1 } as Parameters<typeof createClient>[0]);
        await probe.execute(`PRAGMA busy_timeout=${waitMs}`);
      }
      await probe.batch([], "write");
      return "ok";
    } catch (e) {
      close();
      const code = String((e as { code?: unknown })?.code ?? "");
      return /^SQLITE_(BUSY|LOCKED)/.test(code) ? "busy" : "readonly";
    }
  };
  return { check, close };
}
