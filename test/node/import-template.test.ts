/** The import page offers the hand-over template (issue 11); the template, filled as shipped, previews without errors. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTable } from "../../src/sheets/read.js";
import { COLUMNS } from "../../src/sheets/headers.js";
import { ORIGIN, get, sessionFor, webApp } from "../helpers/web.js";

let w: Awaited<ReturnType<typeof webApp>>;
beforeAll(async () => {
  w = await webApp();
});
afterAll(() => w.store.cleanup());

describe("the hand-over template (issue 11)", () => {
  it("is linked from the import page, names every required column, and its example row previews cleanly", async () => {
    const s = await sessionFor(w.db, "disp", w.clock());
    expect(await (await get(w.app, "/dashboard/import", s.cookie)).text()).toContain('href="/dashboard/import/template.xlsx"');
    const res = await get(w.app, "/dashboard/import/template.xlsx", s.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain("filename*=UTF-8''");
    const bytes = new Uint8Array(await res.arrayBuffer());
    const [sheet] = await readTable(bytes);
    const header = sheet.rows[0].map(String);
    for (const c of Object.values(COLUMNS).filter((x) => x.required)) expect(header).toContain(`${c.label}*`);

    const form = new FormData();
    form.set("_csrf", s.csrf);
    form.set("source", "中央督察");
    form.set("file", new File([bytes], "模板.xlsx"));
    const preview = await (await w.app.request(`${ORIGIN}/dashboard/import/preview`, { method: "POST", headers: { cookie: s.cookie, origin: ORIGIN }, body: form })).text();
    expect(preview).toMatch(/id="fresh-count">1</);
    expect(preview).toMatch(/id="error-count"[^>]*>0</);
  });

  it("is for the office: a unit officer is refused", async () => {
    const s = await sessionFor(w.db, "hh.officer", w.clock());
    expect((await get(w.app, "/dashboard/import/template.xlsx", s.cookie)).status).toBe(403);
  });
});
