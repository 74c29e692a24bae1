/**
 * Evidence files, to people who may see their case (404 otherwise), with their sniffed type, nosniff and a
 * sandboxing CSP (R36); inline only for photos.
 * - GET /dashboard/files/:id: photos and phone videos as a copy without position or device tags (R37);
 * - POST /dashboard/files/:id/original: the untouched original for the office's evidence holders, with a typed
 *   reason, each read audited.
 */
import { loadAttachment } from "../../db/case-detail.js";
import { commit, insertAudit } from "../../db/write.js";
import { canView } from "../../domain/permissions.js";
import { stripMetadata } from "../../domain/strip-metadata.js";
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)
import { attachmentHeader } from "./export.js";
import { issuesText } from "../../db/ledger-query.js";
import { userOf, type Ctx } from "./shared.js";

const INLINE = new Set(["image/jpeg", "image/png", "image/webp"]);

async function load(c: Ctx) {
  const deps = c.get("deps");
  const user = userOf(c);
  const id = Number(c.req.param("id"));
  const found = Number.isSafeInteger(id) && id > 0 ? await loadAttachment(deps.db, id) : undefined;
  if (!found || !canView(user, found.case)) {
    if (found) deps.log.warn("file view denied", { attachmentId: id, userId: user.userId, via: user.via }); // R34: logged denial
    return { ok: false as const, res: c.text("文件不存在或无权查看", 404) };
  }
  const stored = await deps.files.get(found.file.storageKey);
  if (!stored) {
    deps.log.error("evidence file missing from the store", { attachmentId: id, storageKey: found.file.storageKey });
    return { ok: false as const, res: c.text("文件不存在", 404) };
  }
  return { ok: true as const, id, found, bytes: stored.bytes, user };
}

function respond(bytes: Uint8Array, mime: string, disposition: string, cache: string): Response {
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      "Content-Type": mime,
      "Content-Disposition": disposition,
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": cache,
    },
  });
}

export async function serveFile(c: Ctx) {
  const r = await load(c);
  if (!r.ok) return r.res;
  const { id, found, bytes } = r;
  const inline = INLINE.has(found.file.mime);
  const ext = found.file.storageKey.split(".").pop() ?? "bin";
  const name = `case${found.case.id}-file${id}.${ext}`;
  return respond(
    stripMetadata(bytes, found.file.mime), // photos and phone videos lose position and device tags; others pass through
    inline ? found.file.mime : "application/octet-stream",
    inline ? `inline; filename="${name}"` : attachmentHeader(name, found.file.fileName ?? name),
    // Evidence of a complaint: no copy may stay in the browser's cache on a shared office PC after sign-out.
    "no-store",
  );
}

/** An original holds whereabouts (PIPL Art. 28): like the complainant, it is read only with a stated reason. */
const originalBody = z.object({ reason: z.string({ error: "请填写下载事由" }).trim().min(4, "请填写下载事由（至少 4 个字）").max(200, "事由不能超过 200 字") });

export async function serveOriginal(c: Ctx) {
  const parsed = originalBody.safeParse(await c.req.parseBody());
  if (!parsed.success) return c.text(`未下载原件：${issuesText(parsed.error)}。请返回案件页面填写事由后重试。`, 400);
  const r = await load(c);
  if (!r.ok) return r.res;
  const { id, found, bytes, user } = r;
  const deps = c.get("deps");
  const detail = { attachmentId: id, sha256: found.file.sha256, reason: parsed.data.reason };
  await commit(deps.db, [insertAudit(deps.db, { at: deps.clock(), actor: user.userId, action: "evidence.original_read", object: `case:${found.case.id}`, result: "ok", source: "web", detail })]);
  const ext = found.file.storageKey.split(".").pop() ?? "bin";
  const name = `case${found.case.id}-file${id}-original.${ext}`;
  return respond(bytes, "application/octet-stream", attachmentHeader(name, name), "no-store");
}
