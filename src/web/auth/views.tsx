/** Sign-in pages: the password form and the one-time link's confirmation (Chinese, no script). */
import { Layout } from "../layout.js";

export const LOGIN_FAILED = "账号或密码不正确，或账号已被暂时锁定。连续输错 5 次将锁定 15 分钟。";

export function LoginPage(props: { csrf: string; next?: string; error?: string }) {
  return (
    <Layout title="登录">
      <div class="card" style="max-width:420px;margin:40px auto">
        <h2 style="margin-top:0">登录督办台</h2>
        {props.error ? (
          <p class="warn" role="alert">
            {props.error}
          </p>
        ) : null}
        <form method="post" action="/login">
          <input type="hidden" name="_csrf" value={props.csrf} />
          {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
          <p>
            <label>
              账号（企业微信账号）
              <br />
              <input name="userid" autocomplete="username" required maxlength={64} style="width:100%" />
            </label>
          </p>
          <p>
            <label>
              密码
              <br />
              <input name="password" type="password" autocomplete="current-password" required maxlength={128} style="width:100%" />
            </label>
          </p>
          <button type="submit">登录</button>
        </form>
        <p class="muted" style="font-size:13px">
          企业微信用户也可以在与「督办助手」的单聊中发送「登录」，获取 10 分钟内有效的一次性登录链接。
        </p>
      </div>
    </Layout>
  );
}

export function LinkPage(props: { csrf: string; token: string; name?: string }) {
  return (
    <Layout title="链接登录">
      <div class="card" style="max-width:420px;margin:40px auto">
        <h2 style="margin-top:0">一次性登录链接</h2>
        {props.name ? (
          <form method="post" action={`/login/link/${props.token}`}>
            <input type="hidden" name="_csrf" value={props.csrf} />
            <p>
              确认以「{props.name}」的身份登录督办台？此链接只能使用一次。
            </p>
            <button type="submit">确认登录</button>
          </form>
        ) : (
          <p class="warn">链接无效、已使用或已过期。请在与「督办助手」的单聊中重新发送「登录」获取新链接，或使用账号密码登录。</p>
        )}
        <p>
          <a href="/login">使用账号密码登录</a>
        </p>
      </div>
    </Layout>
  );
}
