/** The administrator's code page (R30): enrolment with a QR code the first time, then a six-digit code. No script. */
import { encode } from "uqr";
import { Layout } from "../layout.js";
import { groupedSecret } from "./totp.js";
import type { MfaView } from "./mfa.js";

/** The otpauth URI as an SVG QR code: one path of dark modules, so the page needs no image file or script. */
export function qrSvg(text: string): string {
  const qr = encode(text, { ecc: "M", border: 2 });
  let d = "";
  qr.data.forEach((row, y) => row.forEach((dark, x) => (d += dark ? `M${x} ${y}h1v1h-1z` : "")));
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${qr.size} ${qr.size}" width="220" height="220" shape-rendering="crispEdges" role="img" aria-label="动态口令二维码"><rect width="100%" height="100%" fill="#fff"/><path d="${d}" fill="#000"/></svg>`;
}

export const MFA_MESSAGES = {
  wrong: (left: number) => `动态口令不正确，本次还可再试 ${left} 次。请核对手机时间是否准确，并输入验证器当前显示的 6 位数字。`,
  locked: "错误次数过多，账号已锁定 15 分钟。如需立即处理，请联系其他管理员。",
  unreadable: "无法校验此账号的动态口令（密钥已失效）。请联系其他管理员在「人员」页重置动态口令，或由运维执行 duban admin reset-mfa。",
  expired: "验证已过期或已失效，请重新登录。",
} as const;

export function MfaPage(props: { csrf: string; view?: MfaView; error?: string }) {
  const v = props.view;
  return (
    <Layout title="动态口令验证">
      <div class="card" style="max-width:460px;margin:40px auto">
        <h2 style="margin-top:0">{v?.enrol ? "绑定动态口令" : "输入动态口令"}</h2>
        {props.error ? (
          <p class="warn" role="alert">
            {props.error}
          </p>
        ) : null}
        {!v ? (
          <p>
            <a href="/login">返回登录</a>
          </p>
        ) : (
          <>
            {v.enrol ? (
              <>
                <p>管理员账号「{v.name}」需要绑定动态口令后才能登录。请用手机上的验证器（如腾讯身份验证器、Microsoft Authenticator）扫描下方二维码：</p>
                <div style="text-align:center" dangerouslySetInnerHTML={{ __html: qrSvg(v.enrol.uri) }} />
                <p class="muted" style="font-size:13px">
                  无法扫码时，在验证器中选择「手动输入密钥」，类型选「基于时间」，密钥为：
                  <br />
                  <code style="font-size:15px;user-select:all" data-secret={v.enrol.secret}>
                    {groupedSecret(v.enrol.secret)}
                  </code>
                </p>
                <p>添加后，输入验证器显示的 6 位数字完成绑定。</p>
              </>
            ) : (
              <p>请为「{v.name}」输入手机验证器中显示的 6 位动态口令。</p>
            )}
            <form method="post" action="/login/mfa">
              <input type="hidden" name="_csrf" value={props.csrf} />
              <p>
                <label>
                  动态口令
                  <br />
                  <input name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required maxlength={7} style="width:100%;letter-spacing:4px;font-size:20px" autofocus />
                </label>
              </p>
              <button type="submit">{v.enrol ? "绑定并登录" : "验证并登录"}</button>
            </form>
            <p class="muted" style="font-size:13px">
              手机丢失或更换时，请联系其他管理员重置动态口令。
            </p>
          </>
        )}
      </div>
    </Layout>
  );
}
