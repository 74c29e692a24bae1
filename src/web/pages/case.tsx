/** The case page: all fields, the 四不放过 checklist, evidence gallery, timeline and the actions — plus their POSTs. */
import type { Child } from "hono/jsx";
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)
import { currentAfterPhotoCount, loadCaseDetail } from "../../db/case-detail.js";
import { loadDirectory } from "../../db/ledger.js";
import { loadPlaceHistory } from "../../db/place-history.js";
import { commit, DuplicateKey, insertAudit } from "../../db/write.js";
import { canView } from "../../domain/permissions.js";
import { ALLOWED_IN, isOverdue } from "../../domain/lifecycle.js";
import { DomainError } from "../../handlers/errors.js";
import { actorOf, runUseCase } from "../../handlers/run.js";
import { actionBody, CaseActions, DONE_TEXT, useCaseFor } from "./case-actions.js";
import { CaseEditForm } from "./case-edit.js";
import { CaseFields } from "./case-fields.js";
import { Checklist } from "./checklist.js";
import { issuesText } from "../../db/ledger-query.js";
import { CsrfField, notFound, Notice, page, StateTag, userOf, type Ctx } from "./shared.js";
import { currentRoundLabel, RoundHistory } from "./rounds.js";
import { Gallery, Timeline } from "./timeline.js";
import { photoCheckViews } from "./photo-checks.js";
import { canDo } from "../../domain/permissions.js";
import { EVIDENCE_ROLES } from "./policy.js";
import { PlaceHistoryView } from "./place-history.js";

const PII_ROLES = ["dispatcher", "leader"] as const;

/** The case id from the path, or undefined when it is not a plain positive number. */
export const caseIdOf = (c: Ctx) => {
  const n = Number(c.req.param("id"));
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
};

/** The case with its timeline and files, if this person may see it; a refusal is logged (R34) and looks like 404. */
export async function visibleCase(c: Ctx, id: number) {
  const deps = c.get("deps");
  const user = userOf(c);
  const detail = await loadCaseDetail(deps.db, id);
  if (detail && canView(user, detail.case)) return detail;
  if (detail) deps.log.warn("case view denied", { caseId: id, userId: user.userId, via: user.via });
  return undefined;
}

type Extra = { notice?: Child; status?: 200 | 400 | 403 | 404 | 409 | 422; complainant?: Child };

async function renderCase(c: Ctx, id: number, extra: Extra = {}) {
  const deps = c.get("deps");
  const user = userOf(c);
  const detail = await visibleCase(c, id);
  if (!detail) return notFound(c);
  const { case: k, events, attachments } = detail;
  const [dir, history] = await Promise.all([loadDirectory(deps.db), loadPlaceHistory(deps.db, k, (e) => deps.log.warn("similar cases lookup failed", { caseId: k.id, error: String((e as { cause?: unknown })?.cause ?? e).slice(0, 200) }) /* the cause: drizzle's message carries the complaint's words */)]);
  const now = deps.clock();
  const tz = deps.config.timezone;
  const after = currentAfterPhotoCount(detail); // the gate counts only this round's after-photos (spec §2.2)
  const mayReveal = k.complainant && user.roles.some((r) => (PII_ROLES as readonly string[]).includes(r));
  const mayOriginals = user.via === "session" && user.roles.some((r) => (EVIDENCE_ROLES as readonly string[]).includes(r));
  // Issue 10: photo checks under each photo; the matched photo side by side only for dispatchers and leaders.
  const checks = await photoCheckViews(deps, k);
  const sideBySide = user.roles.some((r) => (EVIDENCE_ROLES as readonly string[]).includes(r));
  const mayRemark = canDo(user, "patrol", k) && k.state !== "closed" && k.state !== "cancelled";
  return page(
    c,
    `#${k.id} ${k.title}`,
    "ledger",
    <>
      <p class="muted"><a href="/dashboard/cases">← 返回台账</a></p>
      <h1>
        #{k.id} {k.title} <StateTag state={k.state} overdue={isOverdue(k, now)} flagged={k.flagged} />
      </h1>
      {extra.notice}
      <section class="card">
        <h2>办理操作</h2>
        <CaseActions c={k} user={user} dir={dir} />
        <p class="small"><a href={`/dashboard/cases/${k.id}/dossier`} target="_blank">打印一案一档 →</a></p>
      </section>
      {canDo(user, "edit_fields", k) && ALLOWED_IN.edit_fields.includes(k.state) ? <CaseEditForm c={k} user={user} dir={dir} /> : null}
      <div class="two">
        <section class="card">
          <h2>基本信息</h2>
          <CaseFields c={k} dir={dir} tz={tz} now={now} complainant={extra.complainant} />
          {mayReveal && !extra.complainant ? (
            <form method="post" action={`/dashboard/cases/${k.id}/pii`} class="inline small">
              <CsrfField user={user} />
              <input name="reason" required minlength={4} maxlength={200} placeholder="查看举报人信息的事由（将记入审计日志）" aria-label="查看事由" />
              <button type="submit" class="light">查看举报人信息</button>
            </form>
          ) : null}
        </section>
        <section class="card">
          <h2>四不放过</h2>
          {detail.rounds.length ? <p class="small" id="current-round">本轮：{currentRoundLabel(detail, tz)}；前几轮的内容见下方“历次办理”，不计入本轮。</p> : null}
          <Checklist c={k} afterPhotos={after} />
        </section>
      </div>
      {detail.rounds.length ? (
        <section class="card">
          <h2>历次办理</h2>
          <RoundHistory d={detail} dir={dir} tz={tz} />
        </section>
      ) : null}
      <PlaceHistoryView h={history} user={user} dir={dir} tz={tz} />
      <section class="card">
        <h2>照片与附件</h2>
        <Gallery files={attachments} dir={dir} tz={tz} originals={mayOriginals ? { csrf: user.csrf ?? "" } : undefined} rounds={k.round > 1} checks={checks} sideBySide={sideBySide} remark={mayRemark ? { csrf: user.csrf ?? "", caseId: k.id } : undefined} />
      </section>
      <section class="card">
        <h2>办理过程</h2>
        <Timeline events={events} dir={dir} tz={tz} />
      </section>
    </>,
    extra.status,
  );
}

export async function casePage(c: Ctx) {
  const id = caseIdOf(c);
  if (!id) return notFound(c);
  const done = c.req.query("done");
  const text = done && done in DONE_TEXT ? DONE_TEXT[done as keyof typeof DONE_TEXT] : undefined;
  return renderCase(c, id, { notice: text ? <Notice kind="ok">{text}</Notice> : undefined });
}

const STATUS: Record<string, 403 | 404 | 409 | 422> = { CASE_NOT_FOUND: 404, FORBIDDEN: 403, INVALID_TRANSITION: 409, RATE_LIMITED: 409 };

/** POST /dashboard/cases/:id/act — one action through its use case; success redirects back (PRG). */
export async function caseAction(c: Ctx) {
  const id = caseIdOf(c);
  if (!id) return notFound(c);
  const deps = c.get("deps");
  const user = userOf(c);
  const parsed = actionBody.safeParse(await c.req.parseBody({ all: true })); // all: the 污染类型 checkboxes repeat
  if (!parsed.success) return renderCase(c, id, { notice: <Notice kind="error">{issuesText(parsed.error)}</Notice>, status: 400 });
  try {
    await runUseCase({ deps, actor: actorOf(user), source: "web", action: `web.${parsed.data.action}` }, useCaseFor(parsed.data, id));
  } catch (e) {
    if (e instanceof DomainError) {
      if (e.code === "CASE_NOT_FOUND") return notFound(c);
      return renderCase(c, id, { notice: <Notice kind="error">{e.message}</Notice>, status: STATUS[e.code] ?? 422 });
    }
    if (e instanceof DuplicateKey) return renderCase(c, id, { notice: <Notice kind="error">该操作已处理过，请刷新页面查看。</Notice>, status: 409 });
    throw e;
  }
  return c.redirect(`/dashboard/cases/${id}?done=${parsed.data.action}`, 303);
}

const piiBody = z.object({ reason: z.string({ error: "请填写查看事由" }).trim().min(4, "请填写查看事由（至少 4 个字）").max(200, "事由不能超过 200 字") });

/** POST /dashboard/cases/:id/pii — show the complainant to the office, with a typed reason, audited (R40). */
export async function revealComplainant(c: Ctx) {
  const id = caseIdOf(c);
  if (!id) return notFound(c);
  const deps = c.get("deps");
  const user = userOf(c);
  const detail = await visibleCase(c, id);
  if (!detail) return notFound(c);
  const now = deps.clock();
  const allowed = user.roles.some((r) => (PII_ROLES as readonly string[]).includes(r));
  const parsed = piiBody.safeParse(await c.req.parseBody());
  if (!allowed || !parsed.success) {
    if (!allowed) await commit(deps.db, [insertAudit(deps.db, { at: now, actor: user.userId, action: "case.pii.view", object: `case:${id}`, result: "denied", source: "web" })]);
    const msg = allowed && !parsed.success ? issuesText(parsed.error) : "只有督办员或领导可以查看举报人信息。";
    return renderCase(c, id, { notice: <Notice kind="error">{msg}</Notice>, status: allowed ? 400 : 403 });
  }
  await commit(deps.db, [insertAudit(deps.db, { at: now, actor: user.userId, action: "case.pii.view", object: `case:${id}`, result: "ok", source: "web", detail: { reason: parsed.data.reason } })]);
  return renderCase(c, id, {
    notice: <Notice kind="info">举报人信息仅供核查使用，本次查看已记入审计日志。</Notice>,
    complainant: <strong class="pii">{detail.case.complainant ?? "—"}</strong>,
  });
}
