/**
 * Issue 10 on the dashboard: flags under each photo, the matched photo side by side for dispatchers and leaders
 * only (officers see why, never the other unit's photo), re-marking by the office, 通过 with a note, the dossier
 * and the export's 照片核查 column.
 */
import readXlsxFile from "read-excel-file/universal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { say } from "../helpers/fixture.js";
import { encode, scene } from "../helpers/photos.js";
import { get, ORIGIN, post, sessionFor, webApp } from "../helpers/web.js";

const CLOSE = "核查：属实，经现场核实\n整改：已清理完毕\n分类：限期整改\n责任：约谈负责人，责令整改\n回访：满意";
let w: Awaited<ReturnType<typeof webApp>>;
const ids = { a: 0, b: 0 };
const idOf = (reply: string) => Number(/#(\d+)/.exec(reply)![1]);
const session = (userId: string) => sessionFor(w.db, userId, w.clock());
const photo = encode(scene(41, 640, 480), 85);
let otherAttachment = 0;

beforeAll(async () => {
  w = await webApp();
  ids.a = idOf(await say(w.deps, "disp", "g-command", "交办 荷花池某工地扬尘 给 荷花池街道 限 5个工作日"));
  ids.b = idOf(await say(w.deps, "disp", "g-command", "交办 驷马桥某餐馆油烟 给 驷马桥街道 限 5个工作日"));
  await say(w.deps, "hh.officer", "g-hh", `签收 #${ids.a}`);
  expect(await say(w.deps, "hh.officer", "g-hh", `办结 #${ids.a}\n${CLOSE}`, { images: [photo] })).toContain("已提交");
  await say(w.deps, "sm.officer", "g-sm", `签收 #${ids.b}`);
  expect(await say(w.deps, "sm.officer", "g-sm", `进展 #${ids.b} 整改后`, { images: [photo, encode(scene(42, 640, 480), 85)] })).toContain("附件 2 个");
  expect(await say(w.deps, "sm.officer", "g-sm", `办结 #${ids.b}\n${CLOSE}`)).toContain(`与 #${ids.a} 的整改后照片相同`);
  otherAttachment = Number(/\/dashboard\/files\/(\d+)/.exec(await (await get(w.app, `/dashboard/cases/${ids.a}`, (await session("disp")).cookie)).text())![1]);
});
afterAll(() => w.store.cleanup());

describe("photo checks on the dashboard", () => {
  it("a leader sees the flag and the matched photo side by side", async () => {
    const page = await (await get(w.app, `/dashboard/cases/${ids.b}`, (await session("lead")).cookie)).text();
    expect(page).toContain(`与 #${ids.a} 的整改后照片相同`);
    expect(page).toContain("第1张 · ");
    expect(page).toContain(`src="/dashboard/files/${otherAttachment}"`);
  });

  it("an officer of the unit sees that and why a photo was flagged, never the other unit's photo", async () => {
    const page = await (await get(w.app, `/dashboard/cases/${ids.b}`, (await session("sm.officer")).cookie)).text();
    expect(page).toContain(`与 #${ids.a} 的整改后照片相同`);
    expect(page).not.toContain(`/dashboard/files/${otherAttachment}"`);
  });

  it("the office re-marks a photo from the page, through the chat use case", async () => {
    const s = await session("disp");
    const res = await post(w.app, `/dashboard/cases/${ids.b}/act`, { _csrf: s.csrf, action: "remark_photo", no: "2", phase: "before" }, { cookie: s.cookie });
    expect(res.status).toBe(303);
    expect(await (await get(w.app, `/dashboard/cases/${ids.b}?done=remark_photo`, s.cookie)).text()).toContain("已更改照片标记");
    const bad = await post(w.app, `/dashboard/cases/${ids.b}/act`, { _csrf: s.csrf, action: "remark_photo", no: "9", phase: "after" }, { cookie: s.cookie });
    expect(await bad.text()).toContain("共有 2 张照片，没有第9张");
  });

  it("通过 on the page asks for the note over a flag, then keeps it", async () => {
    const s = await session("lead");
    const refused = await post(w.app, `/dashboard/cases/${ids.b}/act`, { _csrf: s.csrf, action: "approve_closure", note: "" }, { cookie: s.cookie });
    expect(await refused.text()).toContain("照片核查提示，请核实后写明核实情况再通过");
    const ok = await post(w.app, `/dashboard/cases/${ids.b}/act`, { _csrf: s.csrf, action: "approve_closure", note: "已现场核实，系同一业主两处店面" }, { cookie: s.cookie });
    expect(ok.status).toBe(303);
    expect(await (await get(w.app, `/dashboard/cases/${ids.b}`, s.cookie)).text()).toContain("照片核查已核实：已现场核实，系同一业主两处店面");
  });

  it("the dossier shows the flag; the export has a 照片核查 column", async () => {
    const s = await session("lead");
    expect(await (await get(w.app, `/dashboard/cases/${ids.b}/dossier`, s.cookie)).text()).toContain(`与 #${ids.a} 的整改后照片相同`);
    const res = await w.app.request(`${ORIGIN}/dashboard/cases/export.xlsx`, { method: "POST", headers: { cookie: s.cookie, origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _csrf: s.csrf }) });
    expect(res.status).toBe(200);
    const rows = (await readXlsxFile(await res.arrayBuffer()))[0].data as unknown[][];
    const head = rows[0] as string[];
    const col = head.indexOf("照片核查");
    expect(col).toBeGreaterThan(0);
    const row = rows.find((r) => r[head.indexOf("案件号")] === ids.b)!;
    expect(String(row[col])).toContain(`与 #${ids.a} 的整改后照片相同`);
    expect(String(row[col])).toContain("审核已核实：已现场核实，系同一业主两处店面");
    expect(rows.find((r) => r[head.indexOf("案件号")] === ids.a)![col] ?? null).toBeNull();
  });
});
