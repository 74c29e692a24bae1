/**
 * Chat forms that name several cases or speak casually (issue 11): "签收 #88 #91", "查 #12 #15", "收到 #83".
 * Each case runs its own use case; their writes commit together (one message, one batch), each keeps its version
 * check, and a case that cannot be signed is reported on its own line instead of failing the others.
 */
import type { CaseRef } from "../domain/values.js";
import type { HandlerCtx, Outcome } from "../handlers/context.js";
import { DomainError } from "../handlers/errors.js";
import { acknowledgeCase } from "../handlers/acknowledge.js";
import { queryCase } from "../handlers/query-case.js";
import { concat, line, msg, quote, type Content } from "../domain/message.js";

type One = (ctx: HandlerCtx, ref: CaseRef) => Promise<Outcome>;

const refText = (r: CaseRef) => (r.kind === "id" ? `#${r.id}` : r.no);

/** Run `one` per case with its own outbox keys; DomainErrors become reply lines when there is more than one case. */
async function many(ctx: HandlerCtx, refs: CaseRef[], one: One): Promise<Outcome> {
  if (refs.length === 1) return one(ctx, refs[0]);
  const replies: Content[] = [];
  const writes: Outcome["writes"] = [];
  let caseId: number | undefined;
  for (const [i, ref] of refs.entries()) {
    // Outbox keys derive from msgKey: each case needs its own; photos sent along bind to the first case only.
    const sub: HandlerCtx = { ...ctx, msgKey: `${ctx.msgKey}:${i + 1}`, uploads: i === 0 ? ctx.uploads : [] };
    try {
      const out = await one(sub, ref);
      replies.push(out.reply);
      writes.push(...out.writes);
      caseId ??= out.caseId;
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      replies.push(msg(line(`${refText(ref)}：${e.message}`)));
    }
  }
  return { reply: concat(...replies), writes, caseId };
}

/** 签收 one or several cases; "收到/好的 #N" from someone who may not sign it is an acknowledgement, not an error. */
export async function acknowledgeMany(ctx: HandlerCtx, refs: CaseRef[], casual: boolean): Promise<Outcome> {
  return many(ctx, refs, async (c, ref) => {
    try {
      return await acknowledgeCase({ ctx: c, input: { ref } });
    } catch (e) {
      if (!casual || !(e instanceof DomainError) || !["FORBIDDEN", "INVALID_TRANSITION"].includes(e.code)) throw e;
      return { reply: msg(line(`好的，${c.actor.name}已收到 ${refText(ref)}。`), quote(e.message)), writes: [] };
    }
  });
}

export const queryMany = (ctx: HandlerCtx, refs: CaseRef[]) => many(ctx, refs, (c, ref) => queryCase({ ctx: c, input: { ref } }));
