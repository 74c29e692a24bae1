/** The chat simulator page (模拟群聊): server-rendered shell; a small inline script talks to /sim/*. */
import { html } from "hono/html";
import { SIM_CSS, SIM_SCRIPT } from "./page-assets.js";

const HINTS: { label: string; cmd: string }[] = [
  { label: "帮助", cmd: "帮助" },
  { label: "我的", cmd: "我的" },
  { label: "交办", cmd: "交办 某小区夜间施工噪声扰民 给 荷花池街道 限 5个工作日" },
  { label: "签收", cmd: "签收 #1" },
  { label: "进展", cmd: "进展 #1 已现场核查 整改前" },
  { label: "办结", cmd: "办结 #1\n调查核实：\n是否属实：属实\n整改情况：" },
  { label: "查询", cmd: "#1" },
];

function Page(props: { bot: string }) {
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <title>模拟群聊 · 督办</title>
        <style dangerouslySetInnerHTML={{ __html: SIM_CSS }} />
      </head>
      <body>
        <div id="app" data-bot={props.bot}>
          <header>
            <h1>督办 · 模拟群聊</h1>
            <label>
              身份
              <select id="person" aria-label="选择身份"></select>
            </label>
            <label>
              会话
              <select id="chat" aria-label="选择群聊或单聊"></select>
            </label>
            <span id="conn">○ 连接中</span>
            <a id="dashboard-link" href="/dashboard" target="_blank" rel="noopener">打开督办台 →</a>
          </header>
          <div id="title">正在加载通讯录…</div>
          <div id="messages" aria-live="polite"></div>
          <div id="hints">
            <span>示例：</span>
            {HINTS.map((h) => (
              <button type="button" data-cmd={h.cmd} title={h.cmd}>
                {h.label}
              </button>
            ))}
          </div>
          <div id="thumbs"></div>
          <div id="composer">
            <label id="attach" title="添加图片">
              ＋
              <input id="file" type="file" accept="image/*" multiple aria-label="添加图片" />
            </label>
            <label id="at-bot" title={`群聊中，机器人只收到 @${props.bot} 的消息（与企业微信一致）`}>
              <input id="atbot" type="checkbox" checked /> @{props.bot}
            </label>
            <textarea id="input" rows={1} placeholder="回车发送，Shift+回车换行" aria-label="消息"></textarea>
            <button id="send" type="button">
              发送
            </button>
          </div>
        </div>
        <script dangerouslySetInnerHTML={{ __html: SIM_SCRIPT }} />
      </body>
    </html>
  );
}

/** The whole document as HTML, for `c.html(simPage(botName))`. */
export function simPage(bot = "督办助手") {
  return html`<!doctype html>${(<Page bot={bot} />)}`;
}
