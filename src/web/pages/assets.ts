/**
 * The dashboard's own stylesheet and its one small script, served as same-origin files (no inline script, so a
 * strict CSP works). The script only enhances: confirm dialogs, print, and upload progress for imports.
 */
import type { Ctx } from "./shared.js";

const CSS = `
h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:0 0 8px}h3{font-size:14px;margin:8px 0}
a{color:#1a5fb4}.small{font-size:12px}.pre{white-space:pre-wrap}.ok{color:#2ea121}
.notice{padding:8px 12px;border-radius:6px;margin:8px 0;background:#e8f3ff;border:1px solid #bedaff}
.notice.ok{background:#e8ffea;border-color:#aff0b5;color:#1f2329}.notice.error{background:#ffece8;border-color:#fdcdc5;color:#a1151e}
.tags{display:inline-flex;gap:4px;vertical-align:middle}.tag{font-size:12px;padding:1px 6px;border-radius:4px;white-space:nowrap;font-weight:400}
.t-ok{background:#e8ffea;color:#00a23a}.t-info{background:#e8f3ff;color:#1a5fb4}.t-warn{background:#fff7e8;color:#c25e00}.t-bad{background:#ffece8;color:#d83931}.t-muted{background:#f2f3f5;color:#86909c}
.filters{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:flex-end}.filters label{display:flex;flex-direction:column;font-size:12px;color:#4e5969}
.filters .grow{flex:1 1 220px}.filters .actions{display:flex;gap:8px}
.btn.light,button.light{background:#fff;color:#1a5fb4;border:1px solid #1a5fb4}button:disabled{opacity:.6;cursor:wait}
tr.flagged td:first-child{border-left:3px solid #d83931}.pager{display:flex;gap:16px;justify-content:center;margin:12px 0}
.two{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:12px}
.chart{overflow-x:auto}.chart svg{width:100%;min-width:560px;max-width:960px;height:auto;display:block}
table.fields th{width:8em;background:none;color:#4e5969;font-weight:400;white-space:nowrap}
.timeline{list-style:none;padding:0;margin:0;border-left:2px solid #e5e6eb}.timeline li{padding:4px 0 8px 12px;position:relative}
.timeline li::before{content:"";position:absolute;left:-6px;top:10px;width:10px;height:10px;border-radius:50%;background:#1a5fb4}
.timeline time{color:#86909c;font-size:12px}
.photos{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:8px}
figure{margin:0;background:#f7f8fa;border-radius:6px;padding:6px}figure img{width:100%;height:140px;object-fit:cover;border-radius:4px;background:#eee}
figcaption{font-size:12px;color:#4e5969}
.checklist{list-style:none;padding:0;margin:0;display:grid;gap:8px}.checklist li{border:1px solid #e5e6eb;border-radius:6px;padding:8px}
.checklist li.done strong{color:#00a23a}.checklist li.todo strong{color:#d83931}
.checklist dl{display:grid;grid-template-columns:auto 1fr;gap:2px 8px;margin:4px 0;font-size:13px}.checklist dt{color:#86909c}.checklist dd{margin:0}
.rounds{list-style:none;padding:0;margin:0;display:grid;gap:8px}.rounds li{border:1px solid #e5e6eb;border-radius:6px;padding:8px}
.rounds dl{display:grid;grid-template-columns:auto 1fr;gap:2px 8px;margin:4px 0;font-size:13px}.rounds dt{color:#86909c}.rounds dd{margin:0}
.actions-list{display:flex;flex-wrap:wrap;gap:8px}.actions-list form{background:#f7f8fa;padding:6px;border-radius:6px}
ul.plain{list-style:none;padding:0;margin:0}ul.plain li{padding:4px 0;border-bottom:1px dashed #e5e6eb}
.history{display:flex;flex-wrap:wrap;gap:10px}.history a.on{font-weight:600;text-decoration:none;color:#1f2329}
.progress{display:inline-flex;align-items:center;gap:6px}.progress[hidden]{display:none}.pii{color:#a1151e}
@media (max-width:640px){main{padding:10px}table.ledger td{display:inline-block;padding:2px 8px 2px 0}table.ledger td:nth-child(2){display:block}
.filters label{flex:1 1 40%}table.fields th{width:6em}.actions-list form{width:100%}.actions-list input{flex:1}
table.labeled td[data-label]{display:block;padding:2px 4px}table.labeled tr{padding:8px 0}
table.labeled td[data-label]::before{content:attr(data-label);display:inline-block;min-width:6.5em;color:#86909c}}
`;

const DOSSIER_CSS = `
*{box-sizing:border-box}body.dossier{max-width:900px;margin:0 auto;padding:16px;background:#fff;color:#1f2329;
font:14px/1.6 -apple-system,"PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif}
body.dossier table{border-collapse:collapse;width:100%}body.dossier th,body.dossier td{border-bottom:1px solid #e5e6eb;padding:4px 8px;text-align:left;vertical-align:top}
.dossier-head{border-bottom:2px solid #1f2329;margin-bottom:12px}.dossier-head h1{font-size:22px}
body.dossier section{margin:16px 0}body.dossier figure img{height:auto;max-height:320px;object-fit:contain}
body.dossier .photos{grid-template-columns:repeat(auto-fill,minmax(260px,1fr))}
@page{size:A4;margin:15mm}
@media print{.no-print{display:none}body.dossier{padding:0;font-size:12px}.page-break{break-before:page}a{color:inherit;text-decoration:none}
figure{break-inside:avoid}.timeline li{break-inside:avoid}}
`;

const JS = `"use strict";
(function () {
  function replaceDocument(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    document.title = doc.title;
    document.body.replaceWith(document.adoptNode(doc.body));
    init(document);
    window.scrollTo(0, 0);
  }
  function withProgress(ev) {
    var form = ev.currentTarget;
    if (!window.XMLHttpRequest || !window.FormData) return;
    ev.preventDefault();
    var box = form.querySelector("[data-progress-box]");
    var bar = form.querySelector("[data-progress-bar]");
    var text = form.querySelector("[data-progress-text]");
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    if (box) box.hidden = false;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable || !bar) return;
      var p = Math.round((e.loaded / e.total) * 100);
      bar.value = p;
      if (text) text.textContent = "正在上传 " + p + "%";
    };
    xhr.upload.onload = function () {
      if (bar) bar.removeAttribute("value");
      if (text) text.textContent = form.getAttribute("data-busy") || "上传完成，正在解析，请稍候…";
    };
    xhr.onload = function () { replaceDocument(xhr.responseText); };
    xhr.onerror = function () {
      buttons.forEach(function (b) { b.disabled = false; });
      if (text) text.textContent = "网络错误，请重试。";
    };
    xhr.send(new FormData(form));
  }
  function init(root) {
    root.querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (e) { if (!window.confirm(f.getAttribute("data-confirm"))) e.preventDefault(); });
    });
    root.querySelectorAll("[data-print]").forEach(function (b) { b.addEventListener("click", function () { window.print(); }); });
    root.querySelectorAll("form[data-progress]").forEach(function (f) { f.addEventListener("submit", withProgress); });
  }
  init(document);
})();
`;

const FILES: Record<string, { body: string; type: string }> = {
  "dashboard.css": { body: CSS, type: "text/css; charset=utf-8" },
  "dossier.css": { body: DOSSIER_CSS, type: "text/css; charset=utf-8" },
  "dashboard.js": { body: JS, type: "text/javascript; charset=utf-8" },
};

/** An asset's text, for documents that must carry their styles inline (the PDF dossier). */
export const assetText = (name: string): string | undefined => FILES[name]?.body;

export function serveAsset(c: Ctx) {
  const f = FILES[c.req.param("name") ?? ""];
  if (!f) return c.text("Not found", 404);
  return c.body(f.body, 200, { "Content-Type": f.type, "Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff" });
}
