/** The test district's rows only (no Node imports), so the workerd tests can seed D1 with it too. */
import { people, units, groups } from "../../src/db/schema.js";
import type { Db } from "../../src/db/types.js";

export const U = { hehuachi: 1, simaqiao: 2, chengguan: 3, office: 4 } as const;

export async function seedFixture(db: Db): Promise<void> {
  await db.insert(units).values([
    { id: U.hehuachi, name: "荷花池街道", kind: "street", aliases: ["荷花池"], headUserId: "hh.head", liaisonUserIds: ["hh.officer"] },
    { id: U.simaqiao, name: "驷马桥街道", kind: "street", aliases: ["驷马桥"], headUserId: "sm.head", liaisonUserIds: ["sm.officer"] },
    { id: U.chengguan, name: "区城管局", kind: "department", aliases: ["城管局", "城管"], headUserId: "cg.head", liaisonUserIds: [] },
    { id: U.office, name: "区环督办", kind: "office", aliases: ["环督办"] },
  ]);
  await db.insert(people).values([
    { userId: "disp", name: "张敏", unitId: U.office, roles: ["dispatcher"] },
    { userId: "lead", name: "李明华", unitId: U.office, roles: ["leader"] },
    { userId: "admin", name: "陈强", unitId: U.office, roles: ["admin"] },
    { userId: "acct", name: "周纪", unitId: U.office, roles: ["accountability"] },
    { userId: "audit", name: "吴审", unitId: U.office, roles: ["auditor"] },
    { userId: "hh.head", name: "王芳", unitId: U.hehuachi, roles: ["unit_head"] },
    { userId: "hh.officer", name: "赵六", unitId: U.hehuachi, roles: ["officer"] },
    { userId: "sm.head", name: "孙强", unitId: U.simaqiao, roles: ["unit_head"] },
    { userId: "sm.officer", name: "钱七", unitId: U.simaqiao, roles: ["officer"] },
    { userId: "cg.head", name: "郑八", unitId: U.chengguan, roles: ["unit_head"] },
    { userId: "gone", name: "离职者", unitId: U.hehuachi, roles: ["officer"], active: false },
  ]);
  await db.insert(groups).values([
    { chatId: "g-command", name: "指挥群", purpose: "command" },
    { chatId: "g-hh", name: "荷花池街道群", purpose: "unit", unitId: U.hehuachi },
    { chatId: "g-sm", name: "驷马桥街道群", purpose: "unit", unitId: U.simaqiao },
    { chatId: "g-cg", name: "城管局群", purpose: "unit", unitId: U.chengguan },
    { chatId: "g-acct", name: "问责群", purpose: "accountability" },
  ]);
}
