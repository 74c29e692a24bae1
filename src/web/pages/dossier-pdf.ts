/**
 * 一案一档 as PDF (issue 14 item 7): one case, or every closed case of a batch as a ZIP of PDFs. The dossier page's
 * own HTML is printed by Chromium (deps.pdf, Node) with its styles and photos inlined and a table of each file's
 * full SHA-256 added; header and footer carry the case and the page numbers. POST, because every download is
 * audited (R33: no GET writes). Where there is no Chromium (Workers) the answer points to the browser print view.
 */
import { and, asc, eq } from "drizzle-orm";
import { batches, cases } from "../../db/schema.js";
import { commit, insertAudit } from "../../db/write.js";
import { canView } from "../../domain/permissions.js";
import { stripMetadata } from "../../domain/strip-metadata.js";
import { assetText } from "./assets.js";
import { caseIdOf } from "./case.js";
import { dossierDocument } from "./dossier.js";
import { zipStream, type ZipEntry } from "../pdf/zip.js";
import { notFound, page, userOf, type Ctx } from "./shared.js";
import { clientSource } from "../auth/source.js";
import { sha256Hex } from "../../files/types.js";

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const PHOTO = new Set(["image/jpeg", "image/png", "image/webp", "image/gif"]);

/** The dossier's HTML made self-contained for printing: styles inline, photos as data URLs, no script, hashes listed. */
async function printableDossier(c: Ctx, id: number): Promise<{ html: string; title: string } | undefined> {
  const doc = await dossierDocument(c, id);
  if (!doc) return undefined;
  const deps = c.get("deps");
  const photos = new Map<number, string>();
  for (const a of doc.attachments) {
    if (!PHOTO.has(a.mime)) continue;
    const stored = await deps.files.get(a.storageKey);
    // The same metadata-free copy the page shows (R37); a missing file prints as its alt text.
    if (stored) photos.set(a.id, `data:${a.mime};base64,${Buffer.from(stripMetadata(stored.bytes, a.mime)).toString("base64")}`);
  }
  const hashes = doc.attachments.length
    ? `<section><h2>附件校验值（SHA-256）</h2><table><thead><tr><th>编号</th><th>文件</th><th>SHA-256</th></tr></thead><tbody>${doc.attachments
        .map((a) => `<tr><td>${a.id}</td><td>${esc(a.fileName ?? `${a.kind} ${a.id}`)}</td><td style="font:10px/1.4 ui-monospace,'DejaVu Sans Mono',monospace;white-space:nowrap">${a.sha256}</td></tr>`)
        .join("")}</tbody></table></section>`
    : "";
  const html = String(await doc.html.toString())
    .replace(/<link rel="stylesheet" href="\/dashboard\/assets\/([\w.-]+)"\s*\/?>/g, (_, name: string) => `<style>${assetText(name) ?? ""}</style>`)
    .replace(/<script\b[^>]*><\/script>/g, "")
    .replace(/src="\/dashboard\/files\/(\d+)"/g, (m, n: string) => (photos.has(Number(n)) ? `src="${photos.get(Number(n))}"` : m))
    .replace(/<footer\b/, `${hashes}<footer`);
  return { html: `<!doctype html>${html}`, title: `一案一档 #${doc.case.id} ${doc.case.title}` };
}

async function noPdf(c: Ctx, back: string) {
  const r = await page(c, "无法生成 PDF", undefined, `本服务器没有可用的 Chromium（例如部署在 Cloudflare Workers 上），不能生成 PDF。请打开「一案一档」页面，用浏览器的「打印 → 另存为 PDF」保存。`);
  const html = (await r.text()).replace("</main>", `<p><a href="${back}">打开可打印页面</a></p></main>`);
  return c.html(html, 501);
}

const fileName = (id: number, title: string) => `一案一档-${id}-${title.replace(/[\\/:*?"<>|\s]+/g, "_").slice(0, 40)}.pdf`;
const attachment = (name: string, ascii: string) => `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;

export async function dossierPdf(c: Ctx) {
  const id = caseIdOf(c);
  if (!id) return notFound(c);
  const deps = c.get("deps");
  if (!deps.pdf) return noPdf(c, `/dashboard/cases/${id}/dossier`);
  const doc = await printableDossier(c, id);
  if (!doc) return notFound(c);
  let pdf: Uint8Array;
  try {
    const session = await deps.pdf.open();
    try {
      pdf = await session.render(doc.html, { header: doc.title });
    } finally {
      await session.close();
    }
  } catch (e) {
    // A browser that will not start or crashes: say so in Chinese and keep the print view as the way out.
    deps.log.error("dossier PDF failed", { caseId: id, error: String(e) });
    const r = await page(c, "PDF 生成失败", undefined, "PDF 生成失败，请稍后重试，或打开「一案一档」页面用浏览器的「打印 → 另存为 PDF」保存。");
    return c.html((await r.text()).replace("</main>", `<p><a href="/dashboard/cases/${id}/dossier">打开可打印页面</a></p></main>`), 503);
  }
  const user = userOf(c);
  // The file's own SHA-256 in the audit row: an archived copy can be matched to this download.
  const detail = { bytes: pdf.length, sha256: await sha256Hex(pdf) };
  await commit(deps.db, [insertAudit(deps.db, { at: deps.clock(), actor: user.userId, action: "dossier.pdf", object: `case:${id}`, result: "ok", source: clientSource(c), detail })]);
  return new Response(pdf as Uint8Array<ArrayBuffer>, {
    headers: { "Content-Type": "application/pdf", "Content-Disposition": attachment(fileName(id, doc.title.split(" ").slice(1).join(" ")), `dossier-${id}.pdf`), "Cache-Control": "no-store" },
  });
}

/** Every closed case of a batch this user may see, one PDF each, streamed as a ZIP: one browser, one page at a time. */
export async function batchDossiersZip(c: Ctx) {
  const deps = c.get("deps");
  const user = userOf(c);
  const id = Number(c.req.param("id"));
  const [batch] = Number.isSafeInteger(id) && id > 0 ? await deps.db.select().from(batches).where(eq(batches.id, id)) : [];
  if (!batch) return page(c, "未找到", undefined, "没有找到该批次。", 404);
  if (!deps.pdf) return noPdf(c, `/dashboard/cases?batch=${id}`);
  const closed = (await deps.db.select().from(cases).where(and(eq(cases.batchId, id), eq(cases.state, "closed"))).orderBy(asc(cases.id))).filter((k) => canView(user, k));
  if (!closed.length) return page(c, "没有可归档的案件", "ledger", `批次「${batch.name}」中没有您可查看的已办结案件。`, 404);
  await commit(deps.db, [insertAudit(deps.db, { at: deps.clock(), actor: user.userId, action: "dossier.zip", object: `batch:${id}`, result: "ok", source: clientSource(c), detail: { cases: closed.map((k) => k.id) } })]);
  const session = await deps.pdf.open();
  let i = 0;
  const next = async (): Promise<ZipEntry | undefined> => {
    try {
      while (i < closed.length) {
        const k = closed[i++];
        const doc = await printableDossier(c, k.id);
        if (doc) return { name: fileName(k.id, k.title), bytes: await session.render(doc.html, { header: doc.title }), modified: new Date(deps.clock()) };
      }
      await session.close();
      return undefined;
    } catch (e) {
      await session.close().catch(() => {});
      throw e;
    }
  };
  const body = zipStream(next, () => session.close());
  return new Response(body, {
    headers: { "Content-Type": "application/zip", "Content-Disposition": attachment(`批次归档-${batch.name}.zip`, `batch-${id}-dossiers.zip`), "Cache-Control": "no-store" },
  });
}
