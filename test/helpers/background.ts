/** Background work started by tests (deps.waitUntil), so a test file can let it finish before its database closes. */
const pending = new Set<Promise<unknown>>();

export function track(p: Promise<unknown>): void {
  // A drain that fails after its test ended is noise, not a result; tests that care await the work themselves.
  const t = p.catch(() => {}).finally(() => pending.delete(t));
  pending.add(t);
}

export async function settleBackground(): Promise<void> {
  while (pending.size) await Promise.all([...pending]);
}
