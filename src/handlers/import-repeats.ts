/**
 * The preview's per-row answers to 疑似重复 (issue 13), applied in the import's own swap batch: a row 并案 into an
 * earlier case is imported and at once merged, as `并案 #new 到 #N` would (closed 已并案 with its prior state kept in
 * the link; #N's record gets the complaint, and a closed #N reopens in a new round as a rebound); a row marked
 * 不是重复 is imported with the pairs recorded, never suggested again. New cases are found by their write token,
 * so the whole import, decisions included, is one all-or-nothing commit with its audit rows.
 */
import { inArray, sql } from "drizzle-orm";
import { addWorkingDays } from "../domain/calendar.js";
import { line, msg, quote, strong } from "../domain/message.js";
import { canDo } from "../domain/permissions.js";
import { STATE_LABEL } from "../domain/labels.js";
import type { NewCase } from "../db/import-cases.js";
import { loadPolicy } from "../db/policy.js";
import { caseEvents, caseLinks, cases, writeGuard } from "../db/schema.js";
import { insertAudit, insertEvent, insertOutbox, newToken, updateCase, type BatchItem } from "../db/write.js";
import type { CaseRow, HandlerCtx } from "./context.js";
import { DomainError } from "./errors.js";
import { purposeGroup, pushTo, unitContacts, unitGroup } from "./common.js";
import { mergeReason } from "./merge-case.js";
import { startRound } from "./rounds.js";
import { fmtDate } from "./text.js";

export type RowChoice = { kind: "merge"; into: number } | { kind: "not_duplicate"; others: number[] };
/** By 受理编号 (stable across the preview's round trip, unlike a line number). Rows without one are 新建. */
export type RepeatChoices = Map<string, RowChoice>;

/** Form field of a row's choice: `repeat:<受理编号>` = `new` | `merge:57` | `notdup:57,63`. */
export const CHOICE_FIELD = "repeat:";

/** The choices posted with the confirm form; a malformed value is refused (it was not made by our page). */
export function parseChoices(body: Record<string, unknown>): RepeatChoices | { error: string } {
  const out: RepeatChoices = new Map();
  for (const [k, v] of Object.entries(body)) {
    if (!k.startsWith(CHOICE_FIELD)) continue;
    const no = k.slice(CHOICE_FIELD.length);
    const value = typeof v === "string" ? v : "";
    if (value === "new") continue;
    const m = /^(merge|notdup):(\d{1,12}(?:,\d{1,12}){0,9})$/.exec(value);
    if (!m || !no) return { error: `受理编号 ${no || "（空）"} 的疑似重复处理方式无效，请重新上传预览。` };
    const ids = m[2].split(",").map(Number);
    if (m[1] === "merge" && ids.length !== 1) return { error: `受理编号 ${no} 只能并入一件原案件。` };
    out.set(no, m[1] === "merge" ? { kind: "merge", into: ids[0] } : { kind: "not_duplicate", others: [...new Set(ids)] });
  }
  return out;
}

const idOf = (token: string) => sql`(select ${cases.id} from ${cases} where ${cases.writeToken} = ${token})`;
const lineOf = (r: NewCase) => (typeof r.origin.line === "number" ? `第 ${r.origin.line} 行（${r.externalNo}）` : r.externalNo);

export type RepeatWrites = { writes: BatchItem[]; merged: number; notDuplicate: number; reopened: number[] };

/**
 * Statements for the rows with a choice (each such row gets its write token here). Refused with BAD_INPUT, naming
 * the row, when a target is missing, cancelled, of another lead unit, or not the actor's to merge.
 */
export async function repeatWrites(ctx: HandlerCtx, rows: NewCase[], choices: RepeatChoices | undefined): Promise<RepeatWrites> {
  const done: RepeatWrites = { writes: [], merged: 0, notDuplicate: 0, reopened: [] };
  const chosen = rows.filter((r) => choices?.has(r.externalNo));
  if (!choices || !chosen.length) return done;
  const ids = [...new Set(chosen.flatMap((r) => { const c = choices.get(r.externalNo)!; return c.kind === "merge" ? [c.into] : c.others; }))];
  const found = new Map<number, CaseRow>();
  for (let i = 0; i < ids.length; i += 500) for (const c of await ctx.deps.db.select().from(cases).where(inArray(cases.id, ids.slice(i, i + 500)))) found.set(c.id, c);
  const units = await ctx.units();
  const unitName = (id: number | null) => units.find((u) => u.id === id)?.name ?? "未定";
  const bad = (text: string) => new DomainError("BAD_INPUT", `${text}未导入任何数据。`);
  const byTarget = new Map<number, NewCase[]>();
  for (const r of chosen) {
    const choice = choices.get(r.externalNo)!;
    r.writeToken = newToken();
    const targets = choice.kind === "merge" ? [choice.into] : choice.others;
    for (const id of targets) {
      const t = found.get(id);
      if (!t || !canDo(ctx.actor, "view", t)) throw bad(`${lineOf(r)}：没有找到案件 #${id}。`);
      if (!canDo(ctx.actor, choice.kind === "merge" ? "merge" : "mark_not_duplicate", t)) throw new DomainError("FORBIDDEN", `您没有权限处理 #${id} 的重复投诉（仅限督办员或领导）。`);
    }
    if (choice.kind === "not_duplicate") {
      done.notDuplicate++;
      const list = choice.others.map((id) => `#${id}`).join("、");
      done.writes.push(
        insertEvent(ctx.deps.db, { caseId: { token: r.writeToken }, at: ctx.now, actor: ctx.actor.userId, kind: "note", text: `不是重复：${list}`, data: { notDuplicate: choice.others } }),
        insertAudit(ctx.deps.db, { at: ctx.now, actor: ctx.actor.userId, action: "case.not_duplicate", object: { caseToken: r.writeToken }, result: "ok", source: "import", detail: { others: choice.others } }),
        ...choice.others.map((otherId) => ctx.deps.db.insert(caseLinks).values({ caseId: idOf(r.writeToken!) as unknown as number, otherId, kind: "not_duplicate", by: ctx.actor.userId, at: ctx.now })),
      );
      continue;
    }
    const t = found.get(choice.into)!;
    if (t.state === "cancelled") throw bad(`${lineOf(r)}：#${t.id} 已撤销，不能并入已撤销的案件。`);
    if (r.leadUnitId !== t.leadUnitId) throw bad(`${lineOf(r)}的牵头单位是${unitName(r.leadUnitId)}，#${t.id} 的是${unitName(t.leadUnitId)}，不同牵头单位的案件不能并案（可先按新建导入，改派后再并案）。`);
    byTarget.set(t.id, [...(byTarget.get(t.id) ?? []), r]);
  }
  let push = 0;
  for (const [id, merging] of byTarget) {
    const t = found.get(id)!;
    done.merged += merging.length;
    // After mergeAway the row's case has a new token; the target's statements find it by that one.
    const tokens = merging.map((r) => {
      const away = mergeAway(ctx, r, t);
      done.writes.push(...away.writes);
      return away.token;
    });
    done.writes.push(...(await intoTarget(ctx, t, merging, tokens, () => ++push)));
    if (t.state === "closed") done.reopened.push(t.id);
  }
  return done;
}

/** The imported row, closed off as 已并案 (new write token, so the import's announcement leaves it out). */
function mergeAway(ctx: HandlerCtx, r: NewCase, t: CaseRow): { writes: BatchItem[]; token: string } {
  const { db } = ctx.deps;
  const token = newToken();
  const writes = [
    db.update(cases).set({ state: "cancelled", cancelReason: mergeReason(t.id), version: sql`${cases.version} + 1`, writeToken: token, updatedAt: ctx.now }).where(sql`${cases.writeToken} = ${r.writeToken}`),
    db.insert(writeGuard).select(sql`select 0 where not exists (select 1 from ${cases} where ${cases.writeToken} = ${token})`),
    insertEvent(db, { caseId: { token }, at: ctx.now, actor: ctx.actor.userId, kind: "cancelled", text: mergeReason(t.id), data: { mergedInto: t.id } }),
    insertAudit(db, { at: ctx.now, actor: ctx.actor.userId, action: "case.merge", object: { caseToken: token }, result: "ok", source: "import", detail: { into: t.id } }),
    db.insert(caseLinks).values({
      caseId: idOf(token) as unknown as number, otherId: t.id, kind: "merged", by: ctx.actor.userId, at: ctx.now,
      priorState: { state: "pending_ack", cancelReason: null }, reopened: t.state === "closed",
    }),
  ];
  return { writes, token };
}

/** The earlier case takes the complaints in: a note, or, when it was closed, a rebound into a new round. */
async function intoTarget(ctx: HandlerCtx, t: CaseRow, merging: NewCase[], tokens: string[], nextPush: () => number): Promise<BatchItem[]> {
  const { db } = ctx.deps;
  const tno = `#${t.id}`;
  // One event per complaint, each naming the new case number (assigned in this batch).
  const events = merging.map((r, i) =>
    db.insert(caseEvents).values({
      caseId: t.id, at: ctx.now, actorUserId: ctx.actor.userId, kind: i === 0 && t.state === "closed" ? "rebound" : "note",
      text: sql`${i === 0 && t.state === "closed" ? "重复投诉：#" : "并案：#"} || ${idOf(tokens[i])} || ' ' || ${r.content}` as unknown as string,
      data: sql`json_object('merged', ${idOf(tokens[i])}, 'externalNo', ${r.externalNo}, 'import', json('true'))` as unknown as Record<string, unknown>,
    }),
  );
  const audit = insertAudit(db, { at: ctx.now, actor: ctx.actor.userId, action: t.state === "closed" ? "case.merge.rebound" : "case.merge.into", object: `case:${t.id}`, result: "ok", source: "import", detail: { version: t.version + 1, externalNos: merging.map((r) => r.externalNo) } });
  const nos = merging.map((r) => r.externalNo).join("、");
  if (t.state !== "closed") {
    const text = msg(line(strong(`导入清单中受理编号 ${nos} 已并入 ${tno} ${t.title}`), `（${ctx.actor.name}）`), line(`${tno} 当前「${STATE_LABEL[t.state]}」，按原时限办理。`));
    return [...updateCase(db, t.id, t.version, {}, newToken(), ctx.now), ...events, audit, ...pushTo(ctx, await unitGroup(ctx, t.leadUnitId), nextPush(), text, t.id).map((o) => insertOutbox(db, o))];
  }
  const policy = await loadPolicy(db);
  const dueAt = addWorkingDays(await ctx.deps.calendar(), ctx.now, policy.defaultDueWorkingDays);
  const count = t.reboundCount + 1;
  const round = startRound(ctx, t, "rebound");
  const text = [
    line(strong(`${tno} ${t.title} 收到重复投诉，已重新办理`), `（导入清单受理编号 ${nos} 并入，第 ${count} 次反弹，第 ${t.round + 1} 轮办理）`),
    line(`新时限：${fmtDate(dueAt, ctx.deps.config.timezone)}`),
    line("重新办结需本轮的核查、整改、责任、回访和整改后照片；此前的办理和巡查记录可在督办台案件页查看"),
  ];
  const outbox = [
    ...pushTo(ctx, await unitGroup(ctx, t.leadUnitId), nextPush(), msg(text, quote(`请立即核查整改：进展 ${tno} 内容`)), t.id, await unitContacts(ctx, t.leadUnitId)),
    ...pushTo(ctx, await purposeGroup(ctx, "command"), nextPush(), msg(text), t.id, t.leaderUserId ? [t.leaderUserId] : []),
  ];
  return [
    ...updateCase(db, t.id, t.version, { state: "in_progress", reboundCount: count, dueAt, submittedAt: null, closedAt: null, outcome: null, milestoneAt: null, ...round.set }, newToken(), ctx.now),
    round.write,
    ...events,
    audit,
    ...outbox.map((o) => insertOutbox(db, o)),
  ];
}
