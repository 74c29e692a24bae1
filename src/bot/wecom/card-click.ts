/**
 * What a card shows after a click (wecom.md §4.4). The click has already run through the pipeline as typed text by
 * the clicker (payload.ts → handleMessage), so permissions, dedupe and the one atomic write are the typed command's.
 * Here we only read the case back and choose the update:
 * - the decision the card asks for is made (签收 done, closure decided, extension decided), by this click or
 *   earlier by anyone: the card is replaced FOR EVERYONE with the result ("已签收 · 王芳 12-02 09:10"), no buttons;
 * - otherwise (refused, nothing to do, or 驳回/不同意 which need a typed reason): only the CLICKER's card is
 *   replaced, with the bot's answer or "请回复：驳回 #N 原因"; everyone else keeps the buttons.
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import { caseEvents, cases, outbox, people } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { localParts } from "../../domain/calendar.js";
import { isMessage, toPlain, type Content } from "../../domain/message.js";
import { parseTarget } from "../../domain/targets.js";
import { canDo, canView, WHO_MAY } from "../../domain/permissions.js";
import { isParseError } from "../commands.js";
import { parse } from "../parse.js";
import { CARD_LIMITS, cardOf, clip, type TemplateCard } from "./card.js";

export type CardUpdate = { response_type: "update_template_card"; userids?: string[]; template_card: TemplateCard };
export type Click = { command: string; clickerId: string; chatId: string; taskId: string };

type CaseRow = typeof cases.$inferSelect;
type Decided = { label: string; actor: string; at: number };

const CLICK = /^(签收|通过|驳回|同意延期|不同意延期)/u;
const pad2 = (n: number) => String(n).padStart(2, "0");

function stamp(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${pad2(p.month)}-${pad2(p.day)} ${pad2(p.hour)}:${pad2(p.minute)}`;
}

const LABEL: Record<string, string> = { closure_approved: "已通过", closure_rejected: "已驳回", extension_approved: "已同意延期", extension_refused: "不同意延期" };
const CLOSURE = ["closure_submitted", "closure_approved", "closure_rejected"] as const;
const EXTENSION = ["extension_requested", "extension_approved", "extension_refused"] as const;

/** The decision a card of this verb asks for, if it has been made on `c` (by anyone, at any time). */
async function decided(deps: Deps, verb: string, c: CaseRow): Promise<Decided | undefined> {
  if (verb === "签收") return c.state !== "pending_ack" && c.acknowledgedAt != null && c.acknowledgedBy ? { label: "已签收", actor: c.acknowledgedBy, at: c.acknowledgedAt } : undefined;
  const closure = verb === "通过" || verb === "驳回";
  if (closure ? c.state === "pending_review" : c.extRequestedDue != null) return undefined; // still waiting
  // The latest of request-or-decision: a decision counts only when no newer submission or request reopened it.
  const [e] = await deps.db
    .select({ kind: caseEvents.kind, actor: caseEvents.actorUserId, at: caseEvents.at })
    .from(caseEvents)
    .where(and(eq(caseEvents.caseId, c.id), inArray(caseEvents.kind, closure ? [...CLOSURE] : [...EXTENSION])))
    .orderBy(desc(caseEvents.at), desc(caseEvents.id))
    .limit(1);
  return e && LABEL[e.kind] ? { label: LABEL[e.kind], actor: e.actor, at: e.at } : undefined;
}

const notice = (taskId: string, url: string, title: string, descText: string | undefined, sub: string | undefined): TemplateCard => ({
  card_type: "text_notice",
  task_id: taskId,
  main_title: { title: clip(title, CARD_LIMITS.title), ...(descText ? { desc: clip(descText, CARD_LIMITS.titleDesc) } : {}) },
  ...(sub ? { sub_title_text: clip(sub, CARD_LIMITS.subTitle) } : {}),
  card_action: { type: 1, url }, // §4.2: required for text_notice
});

/**
 * The card as it was pushed, rebuilt from its outbox row (task_id "duban_o<row id>_…", card.ts), so a refusal can keep
 * the clicker's buttons. Only a row sent to this very chat is used: a click never shows another chat's message.
 */
async function pushedCard(deps: Deps, click: Click): Promise<TemplateCard | undefined> {
  const id = /^duban_o(\d{1,15})_/.exec(click.taskId)?.[1];
  if (!id) return undefined;
  const [row] = await deps.db.select({ target: outbox.target, payload: outbox.payload }).from(outbox).where(eq(outbox.id, Number(id)));
  if (!row) return undefined;
  const to = parseTarget(row.target).chatId;
  if (to !== click.chatId && `single:${to}` !== click.chatId) return undefined;
  const m = (row.payload as { message?: unknown }).message;
  return isMessage(m) ? cardOf(m, click.taskId)?.card : undefined;
}

/** The update for a click whose command has run; `replies` are the pipeline's answers to the clicker (PII-masked). */
export async function clickUpdate(deps: Deps, click: Click, replies: Content[]): Promise<CardUpdate> {
  const base = deps.config.publicBaseUrl;
  const said = replies.map(toPlain).join("\n").replace(/^> ?/gmu, "").trim(); // card text has no markdown quotes
  const verb = CLICK.exec(click.command)?.[1];
  const ids = [...click.command.matchAll(/#(\d{1,9})/gu)].map((m) => Number(m[1]));
  const rows = ids.length ? await deps.db.select().from(cases).where(inArray(cases.id, ids)) : [];
  const url = rows.length === 1 ? `${base}/dashboard/cases/${rows[0].id}` : `${base}/dashboard`;
  const pushed = await pushedCard(deps, click);
  const onlyClicker = (title: string, sub?: string): CardUpdate => {
    if (!pushed) return { response_type: "update_template_card", userids: [click.clickerId], template_card: notice(click.taskId, url, title, undefined, sub) };
    // The same card with the answer on top: the buttons stay for this clicker too (e.g. 通过 after a 驳回 prompt).
    const main = pushed.main_title as { title: string };
    const text = [title, sub, pushed.sub_title_text as string | undefined].filter(Boolean).join("\n");
    return { response_type: "update_template_card", userids: [click.clickerId], template_card: { ...pushed, main_title: { ...main, desc: clip(title, CARD_LIMITS.titleDesc) }, sub_title_text: clip(text, CARD_LIMITS.subTitle) } };
  };

  const [person] = await deps.db.select().from(people).where(eq(people.userId, click.clickerId));
  const actor = person?.active ? { roles: person.roles, unitId: person.unitId } : undefined;
  // A case the clicker may not see is never described to the chat: they get their own answer, as typing would.
  const visible = !!actor && rows.length > 0 && rows.length === ids.length && rows.every((r) => canView(actor, r));
  const done = verb && visible ? await Promise.all(rows.map((r) => decided(deps, verb, r))) : [];
  const settled = done.length > 0 && done.every(Boolean);

  const parsed = parse(click.command, { botNames: deps.config.botNames });
  if (!settled && isParseError(parsed) && parsed.error === "MISSING_ARGUMENT" && verb && rows.length === 1) {
    // 驳回 / 不同意延期 need a reason only a person can type: ask for it, but first say so if they may not decide at all.
    const action = verb === "驳回" ? "approve_closure" : "decide_extension";
    if (!actor || !canDo(actor, action, rows[0])) return onlyClicker(`您不能${verb} #${rows[0].id}`, `只有${WHO_MAY[action]}可以审核。`);
    const bot = deps.config.botNames[0] ?? "督办助手";
    return onlyClicker(`请回复：${verb} #${rows[0].id} 原因`, `在群里 @${bot} 发送：${verb} #${rows[0].id} 原因${verb === "驳回" ? "（可写需重报的项目，如：驳回 #" + rows[0].id + " 整改 照片不清楚）" : ""}`);
  }
  if (!settled) {
    const [first = "未能处理", ...rest] = said.split("\n");
    return onlyClicker(first, rest.join("\n") || undefined);
  }
  const ds = done as Decided[];
  const last = ds.reduce((a, b) => (b.at > a.at ? b : a));
  const [who] = await deps.db.select({ name: people.name }).from(people).where(eq(people.userId, last.actor));
  const many = rows.length > 1 ? ` ${rows.length} 件` : "";
  const title = `${last.label}${many} · ${who?.name ?? last.actor} ${stamp(last.at, deps.config.timezone)}`;
  const about = rows.length === 1 ? `#${rows[0].id} ${rows[0].title}` : rows.map((r) => `#${r.id}`).join(" ");
  // The answer is shown to all only when this clicker made the decision; another's click or typing is summed up by the title.
  const mine = ds.every((d) => d.actor === click.clickerId);
  // The pushed card's facts (牵头, 时限 …) stay on the result; the people to remind do not.
  const facts = ((pushed?.horizontal_content_list ?? []) as { type?: number }[]).filter((h) => h.type !== 3);
  const card = notice(click.taskId, url, title, about, mine ? said : undefined);
  return { response_type: "update_template_card", template_card: facts.length ? { ...card, horizontal_content_list: facts } : card };
}
