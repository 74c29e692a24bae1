/**
 * A D1 binding that counts, per statement, the rows D1 read (`meta.rows_read`) and the rows it handed to the
 * isolate — the two costs of a scheduled run on Workers (D1's work, and the isolate's memory and CPU).
 * `raw()` and `first()` carry no meta: for a read-only statement the meter runs it once more with `all()` to
 * learn its rows_read (only in tests; statements that write are never repeated).
 */
export type Meter = { binding: D1Database; totals: () => { statements: number; rowsRead: number; rowsReturned: number }; reset: () => void };

export function meterD1(db: D1Database): Meter {
  let statements = 0;
  let rowsRead = 0;
  let rowsReturned = 0;
  const real = new WeakMap<object, D1PreparedStatement>();
  const readOnly = (q: string) => /^\s*(select|with)\b/i.test(q) && !/\b(insert|update|delete)\b/i.test(q);
  const note = (meta: { rows_read?: number } | undefined, returned: number) => {
    statements++;
    rowsRead += meta?.rows_read ?? 0;
    rowsReturned += returned;
  };
  const wrap = (stmt: D1PreparedStatement, q: string): D1PreparedStatement => {
    const w = {
      bind: (...v: unknown[]) => wrap(stmt.bind(...v), q),
      async all<T>() {
        const r = await stmt.all<T>();
        note(r.meta, r.results.length);
        return r;
      },
      async run<T>() {
        const r = await stmt.run<T>();
        note(r.meta, r.results?.length ?? 0);
        return r;
      },
      async raw<T>(o?: { columnNames?: boolean }) {
        const rows = await stmt.raw<T>(o as { columnNames: true });
        note(readOnly(q) ? (await stmt.all()).meta : undefined, rows.length);
        return rows;
      },
      async first<T>(col?: string) {
        const row = col === undefined ? await stmt.first<T>() : await stmt.first<T>(col);
        note(readOnly(q) ? (await stmt.all()).meta : undefined, row === null ? 0 : 1);
        return row;
      },
    } as unknown as D1PreparedStatement;
    real.set(w, stmt);
    return w;
  };
  const binding = {
    prepare: (q: string) => wrap(db.prepare(q), q),
    async batch<T>(stmts: D1PreparedStatement[]) {
      const rs = await db.batch<T>(stmts.map((s) => real.get(s) ?? s));
      for (const r of rs) note(r.meta, r.results?.length ?? 0);
      return rs;
    },
    exec: (q: string) => db.exec(q),
    dump: () => db.dump(),
    withSession: () => {
      throw new Error("meterD1: sessions are not metered");
    },
  } as unknown as D1Database;
  return {
    binding,
    totals: () => ({ statements, rowsRead, rowsReturned }),
    reset: () => {
      statements = rowsRead = rowsReturned = 0;
    },
  };
}
