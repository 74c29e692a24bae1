/** `duban group add --platform dingtalk …` and `duban person set --dingtalk …` through the real CLI entry, on a database file. */
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli.js";
import { helpText } from "../../src/cli-help.js";
import { auditLog, groups, people } from "../../src/db/schema.js";
import { seedFixture, U } from "../helpers/fixture.js";
import { tempDb } from "../helpers/db.js";

type T = Awaited<ReturnType<typeof tempDb>>;
let t: T;
const out: string[] = [];
const run = async (...argv: string[]) => {
  out.length = 0;
  const code = await main(argv);
  return { code, text: out.join("\n") };
};
const CID = "cidQ7bW1tX+3ZrXq/9d0wOa2Q==";
const WEBHOOK = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123456789abcdefTOKN";
const SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd";
const group = async (chatId: string) => (await t.db.select().from(groups).where(eq(groups.chatId, chatId)))[0];
const audits = (action: string) => t.db.select().from(auditLog).where(eq(auditLog.action, action));

describe("duban group add / person set for DingTalk", () => {
  const env = { ...process.env };
  beforeAll(async () => {
    t = await tempDb();
    await seedFixture(t.db);
    Object.assign(process.env, { DATABASE_URL: `file:${join(t.dir, "test.db")}`, FILES_DIR: join(t.dir, "files"), LOG_LEVEL: "error", WECOM_MODE: "off" });
    vi.spyOn(console, "log").mockImplementation((s: string) => void out.push(s));
    vi.spyOn(console, "error").mockImplementation((s: string) => void out.push(s));
  });
  afterAll(() => {
    vi.restoreAllMocks();
    process.env = env;
    return t.cleanup();
  });

  it("registers a DingTalk unit group by unit name (or alias), audited, and the platform defaults to wecom", async () => {
    const r = await run("group", "add", "--platform", "dingtalk", "--chat", CID, "--name", "荷花池钉钉群", "--unit", "荷花池");
    expect([r.code, r.text]).toEqual([0, `已登记钉钉群「荷花池钉钉群」（${CID}），单位群。`]);
    expect(await group(CID)).toMatchObject({ platform: "dingtalk", purpose: "unit", unitId: U.hehuachi, name: "荷花池钉钉群", robotWebhook: null, robotSecret: null });
    const [a] = await audits("admin.group.create");
    expect(a).toMatchObject({ actor: "(cli)", source: "cli", object: `group:${CID}` });

    expect((await run("group", "add", "--chat", "wrCommand2", "--name", "第二指挥群", "--purpose", "command")).code).toBe(0);
    expect(await group("wrCommand2")).toMatchObject({ platform: "wecom", purpose: "command", unitId: null });
  });

  it("stores a custom robot's webhook and 加签 secret, and never prints or audits them in full", async () => {
    const r = await run("group", "add", "--platform", "dingtalk", "--chat", "cidCommand==", "--name", "钉钉指挥群", "--purpose", "command", "--webhook", WEBHOOK, "--secret", SECRET);
    expect(r.code).toBe(0);
    expect(await group("cidCommand==")).toMatchObject({ robotWebhook: WEBHOOK, robotSecret: SECRET, purpose: "command" });
    const list = await run("group", "list");
    expect(list.text).toContain("cidCommand==\tdingtalk\tcommand\t钉钉指挥群\twebhook …TOKN 加签");
    expect(list.text).toContain(`${CID}\tdingtalk\tunit`);
    expect(list.text).toContain("g-hh\twecom\tunit");
    // The access_token alone is taken too: stored as the robot's public URL.
    expect((await run("group", "add", "--platform", "dingtalk", "--chat", "cidBare==", "--name", "钉钉问责群", "--purpose", "accountability", "--webhook", "bare0123456789TOKEN")).code).toBe(0);
    expect((await group("cidBare=="))?.robotWebhook).toBe("https://oapi.dingtalk.com/robot/send?access_token=bare0123456789TOKEN");
    const everything = JSON.stringify(await t.db.select().from(auditLog)) + list.text + r.text;
    expect(everything).not.toContain("0123456789abcdef0123456789abcdef");
    expect(everything).not.toContain(SECRET.slice(3, 20));
  });

  it("refuses bad input with a specific Chinese message and writes nothing", async () => {
    const before = await t.db.$count(groups);
    const cases: [string[], number, string][] = [
      [["--platform", "dingtalk", "--chat", "cidX1==", "--name", "群", "--unit", "不存在街道"], 2, "单位「不存在街道」不存在。现有单位：区城管局、区环督办、荷花池街道、驷马桥街道"],
      [["--platform", "dingtalk", "--chat", CID, "--name", "重复", "--unit", "荷花池街道"], 1, `群 ID ${CID} 已登记为「荷花池钉钉群」（钉钉）`],
      [["--platform", "dingtalk", "--chat", "cidX2==", "--name", "群"], 2, "请用 --unit <单位名称> 登记单位群，或用 --purpose command 登记指挥群。"],
      [["--platform", "feishu", "--chat", "oc_1", "--name", "群", "--purpose", "command"], 2, "平台「feishu」不支持：请用 wecom 或 dingtalk。"],
      [["--platform", "dingtalk", "--chat", "cid 空格", "--name", "群", "--purpose", "command"], 2, "钉钉群的 conversationId 格式不正确"],
      [["--platform", "dingtalk", "--chat", "cidX3==", "--name", "群", "--purpose", "command", "--webhook", WEBHOOK, "--secret", "abc"], 2, "加签密钥格式不正确：应以 SEC 开头"],
      [["--platform", "dingtalk", "--chat", "cidX4==", "--name", "群", "--purpose", "command", "--webhook", "https://oapi.dingtalk.com/robot/send"], 2, "缺少 access_token 参数"],
      [["--chat", "wrX5", "--name", "群", "--purpose", "command", "--webhook", WEBHOOK], 2, "--webhook 和 --secret 只用于钉钉群"],
      [["--platform", "dingtalk", "--chat", "cidX6==", "--name", "群", "--purpose", "party"], 2, "用途「party」不支持"],
      [["--platform", "dingtalk", "--chat", "cidX7==", "--name", "群", "--colour", "red"], 2, "参数无法识别"],
    ];
    for (const [args, code, message] of cases) {
      const r = await run("group", "add", ...args);
      expect([r.code, r.text], args.join(" ")).toEqual([code, expect.stringContaining(message)]);
    }
    expect(await t.db.$count(groups)).toBe(before);
  });

  it("maps a person to a DingTalk staff id, refuses one already used by someone else, and clears it", async () => {
    const r = await run("person", "set", "--user", "hh.officer", "--dingtalk", "manager4220");
    expect([r.code, r.text]).toEqual([0, "已将 赵六（hh.officer）的钉钉 ID 设为 manager4220。"]);
    expect((await t.db.select().from(people).where(eq(people.userId, "hh.officer")))[0]?.dingtalkId).toBe("manager4220");
    expect(await audits("admin.person.dingtalk_id")).toEqual([expect.objectContaining({ actor: "(cli)", source: "cli", detail: { before: null, after: "manager4220" } })]);

    const taken = await run("person", "set", "--user", "hh.head", "--dingtalk", "manager4220");
    expect([taken.code, taken.text]).toEqual([1, "钉钉 ID manager4220 已属于 赵六（hh.officer）；一个钉钉 ID 只能对应一名人员，请先清除对方的钉钉 ID。"]);
    const nobody = await run("person", "set", "--user", "nobody", "--dingtalk", "x1");
    expect([nobody.code, nobody.text]).toEqual([1, expect.stringContaining("没有账号为「nobody」的人员")]);
    const bad = await run("person", "set", "--user", "hh.head", "--dingtalk", "王 芳");
    expect([bad.code, bad.text]).toEqual([2, expect.stringContaining("钉钉 ID「王 芳」格式不正确")]);
    expect((await run("person", "set", "--user", "hh.head")).code).toBe(2);

    expect((await run("person", "set", "--user", "hh.officer", "--dingtalk", "")).text).toBe("已清除 赵六（hh.officer）的钉钉 ID。");
    expect((await run("person", "set", "--user", "hh.head", "--dingtalk", "manager4220")).code).toBe(0);
    expect(await t.db.select({ u: people.userId }).from(people).where(eq(people.dingtalkId, "manager4220"))).toEqual([{ u: "hh.head" }]);
    expect(await audits("admin.person.dingtalk_id")).toHaveLength(3);
  });

  it("explains both verbs in the bilingual help", () => {
    expect(helpText("group")).toContain("group add [--platform wecom|dingtalk] --chat <chatId>");
    expect(helpText("person")).toContain("用法 Usage: duban person set --user <userid> --dingtalk <staffId>");
    expect(helpText()).toContain("设置人员的钉钉 ID");
  });
});
