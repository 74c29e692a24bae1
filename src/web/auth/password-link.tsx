/**
 * GET/POST /password/set/:token: a person sets their own password from the one-time link the bot sent them in
 * single chat (an administrator can send the link but never learns or chooses the password — R34). The GET only
 * reads (R33); the POST burns the link, stores the hash, clears a lockout and ends the person's sessions.
 */
import { Hono } from "hono";
import type { WebEnv } from "../context.js";
import { Layout } from "../layout.js";
import { peekPasswordLink, setPasswordWithLink } from "../../db/login-links.js";
import { commit, insertAudit } from "../../db/write.js";
import { csrfFor } from "../security.js";
import { clientSource } from "./source.js";
import { hashPassword, passwordProblem, webHasher } from "./password.js";

const INVALID = "链接无效、已使用或已过期。请联系系统管理员重新发送设置密码链接，或在与「督办助手」的单聊中发送「登录」。";

function PasswordSetPage(props: { csrf: string; token: string; name?: string; error?: string; done?: boolean }) {
  return (
    <Layout title="设置密码">
      <div class="card" style="max-width:420px;margin:40px auto">
        <h2 style="margin-top:0">设置登录密码</h2>
        {props.error ? (
          <p class="warn" role="alert">
            {props.error}
          </p>
        ) : null}
        {props.done ? (
          <p role="status">密码已设置，原有登录会话已全部结束。请使用新密码登录。</p>
        ) : props.name ? (
          <form method="post" action={`/password/set/${props.token}`}>
            <input type="hidden" name="_csrf" value={props.csrf} />
            <p>为「{props.name}」设置督办台登录密码。此链接只能使用一次。</p>
            <p>
              <label>
                新密码（至少 8 个字符，建议用一句话）
                <br />
                <input name="password" type="password" autocomplete="new-password" required minlength={8} maxlength={128} style="width:100%" />
              </label>
            </p>
            <p>
              <label>
                再次输入
                <br />
                <input name="again" type="password" autocomplete="new-password" required minlength={8} maxlength={128} style="width:100%" />
              </label>
            </p>
            <button type="submit">设置密码</button>
          </form>
        ) : null}
        <p>
          <a href="/login">去登录</a>
        </p>
      </div>
    </Layout>
  );
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

export function passwordLinkRoutes(): Hono<WebEnv> {
  const r = new Hono<WebEnv>();

  r.get("/password/set/:token", async (c) => {
    const deps = c.get("deps");
    const token = c.req.param("token");
    const who = await peekPasswordLink(deps.db, token, deps.clock());
    return c.html(<PasswordSetPage csrf={csrfFor(c)} token={who ? token : ""} name={who?.name} error={who ? undefined : INVALID} />, who ? 200 : 404);
  });

  r.post("/password/set/:token", async (c) => {
    const deps = c.get("deps");
    const token = c.req.param("token");
    const now = deps.clock();
    const who = await peekPasswordLink(deps.db, token, now);
    if (!who) return c.html(<PasswordSetPage csrf={csrfFor(c)} token="" error={INVALID} />, 400);
    const body = await c.req.parseBody();
    const password = str(body["password"]); // never trimmed: spaces are part of a passphrase
    const problem = passwordProblem(password) ?? (password !== str(body["again"]) ? "两次输入的密码不一致。" : undefined);
    if (problem) return c.html(<PasswordSetPage csrf={csrfFor(c)} token={token} name={who.name} error={problem} />, 400);
    const done = await setPasswordWithLink(deps.db, token, await hashPassword(deps.passwords ?? webHasher, password), now, clientSource(c));
    if (!done) {
      await commit(deps.db, [insertAudit(deps.db, { at: now, actor: "(link)", action: "auth.password_set", result: "failed", source: clientSource(c), detail: { reason: "invalid_or_used" } })]);
      return c.html(<PasswordSetPage csrf={csrfFor(c)} token="" error={INVALID} />, 400);
    }
    return c.html(<PasswordSetPage csrf={csrfFor(c)} token="" done />);
  });

  return r;
}
