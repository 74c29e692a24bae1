/**
 * 不是重复 #91 [#57] (issue 13): the office decides that #91 does not repeat #57 (or, without #57, any case now
 * suggested for it); the pair is kept in case_links and never suggested again. Noted on #91's timeline, audited.
 */
import type { CaseRef } from "../domain/values.js";
import { line, msg, strong } from "../domain/message.js";
import { caseLinks } from "../db/schema.js";
import { findSimilar } from "../db/similar-cases.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { authorize, changeCase, findCase } from "./common.js";
import { caseNo } from "./text.js";

export type NotDuplicateInput = { ref: CaseRef; other?: CaseRef };

export async function markNotDuplicate({ ctx, input }: UseCaseArgs<NotDuplicateInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  authorize(ctx, "mark_not_duplicate", c);
  const no = caseNo(c);
  const others = input.other
    ? [(await findCase(ctx, input.other)).id]
    : (await findSimilar(ctx.deps.db, { content: c.content, title: c.title, address: c.address, area: c.area, pollutionTypes: c.pollutionTypes, excludeId: c.id })).map((s) => s.id);
  if (others.includes(c.id)) throw new DomainError("BAD_INPUT", `${no} 不能与自身比较。`, "例如：不是重复 #91 #57");
  if (!others.length) throw new DomainError("BAD_INPUT", `${no} 目前没有疑似重复的案件，无需标记。`, "如需标记某一对案件，请写明两个案件号，例如：不是重复 #91 #57");
  const list = others.map((id) => `#${id}`).join("、");
  return {
    caseId: c.id,
    reply: msg(line(strong(`已记录：${no} 与 ${list} 不是重复投诉`), `（${ctx.actor.name}），今后不再提示。`)),
    writes: [
      ...changeCase(ctx, c, { set: {}, event: { kind: "note", text: `不是重复：${list}`, data: { notDuplicate: others } }, action: "case.not_duplicate" }),
      ...others.map((otherId) => ctx.deps.db.insert(caseLinks).values({ caseId: c.id, otherId, kind: "not_duplicate", by: ctx.actor.userId, at: ctx.now })),
    ],
  };
}
