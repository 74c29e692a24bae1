/** What every dashboard page shares: the viewer's scope, the page frame, notices and state tags. */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { CaseState } from "../../db/schema.js";
import { STATE_LABEL } from "../../domain/labels.js";
import type { WebEnv, WebUser } from "../context.js";
import { Layout, type NavKey } from "../layout.js";

export type Ctx = Context<WebEnv>;

// Shared with the API (src/http/auth.ts); re-exported for the dashboard's pages.
export { scopeOf, userOf } from "../../http/auth.js";

/** Render a page in the dashboard frame with our stylesheet and script (no inline script: CSP-friendly). */
export function page(c: Ctx, title: string, nav: NavKey | undefined, body: Child, status: 200 | 400 | 403 | 404 | 409 | 422 = 200) {
  const user = c.get("user");
  return c.html(
    <Layout title={title} user={user} nav={nav} csrf={user?.csrf}>
      <link rel="stylesheet" href="/dashboard/assets/dashboard.css" />
      {body}
      <script src="/dashboard/assets/dashboard.js" defer></script>
    </Layout>,
    status,
  );
}

export function Notice(props: { kind: "ok" | "error" | "info"; children?: Child }) {
  return (
    <div class={`notice ${props.kind}`} role={props.kind === "error" ? "alert" : "status"}>
      {props.children}
    </div>
  );
}

const STATE_CLASS: Record<CaseState, string> = { pending_ack: "t-warn", in_progress: "t-info", pending_review: "t-warn", closed: "t-ok", returned: "t-bad", cancelled: "t-muted" };

export function StateTag(props: { state: CaseState; overdue?: boolean; flagged?: boolean }) {
  return (
    <span class="tags">
      {props.flagged ? <span class="tag t-bad">挂牌</span> : null}
      <span class={`tag ${STATE_CLASS[props.state]}`}>{STATE_LABEL[props.state]}</span>
      {props.overdue ? <span class="tag t-bad">逾期</span> : null}
    </span>
  );
}

/** A hidden CSRF field for a POST form. */
export const CsrfField = (props: { user: WebUser }) => <input type="hidden" name="_csrf" value={props.user.csrf ?? ""} />;

/** The page a case outside the viewer's scope gets: exactly the same as a missing case (R34). */
export function notFound(c: Ctx) {
  return page(c, "未找到", undefined, <Notice kind="error">没有找到该案件，或它不在您的查看范围内。</Notice>, 404);
}
