/**
 * GET /dashboard/files/:id — one evidence file, to people who may see its case (404 otherwise). Served with
 * its sniffed type, nosniff, a sandboxing CSP, and inline only for photos (R36).
 */
import { loadAttachment } from "../../db/case-detail.js";
import { canView } from "../../domain/permissions.js";
import { attachmentHeader } from "./export.js";
import { userOf, type Ctx } from "./shared.js";

const INLINE = new Set(["image/jpeg", "image/png", "image/webp"]);

export async function serveFile(c: Ctx) {
  const deps = c.get("deps");
  const user = userOf(c);
  const id = Number(c.req.param("id"));
  const found = Number.isSafeInteger(id) && id > 0 ? await loadAttachment(deps.db, id) : undefined;
  if (!found || !canView(user, found.case)) {
    if (found) deps.log.warn("file view denied", { attachmentId: id, userId: user.userId, via: user.via }); // R34: logged denial
    return c.text("文件不存在或无权查看", 404);
  }
  const stored = await deps.files.get(found.file.storageKey);
  if (!stored) {
    deps.log.error("evidence file missing from the store", { attachmentId: id, storageKey: found.file.storageKey });
    return c.text("文件不存在", 404);
  }
  const inline = INLINE.has(found.file.mime);
  const ext = found.file.storageKey.split(".").pop() ?? "bin";
  const name = `case${found.case.id}-file${id}.${ext}`;
  return new Response(stored.bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      "Content-Type": inline ? found.file.mime : "application/octet-stream",
      "Content-Disposition": inline ? `inline; filename="${name}"` : attachmentHeader(name, found.file.fileName ?? name),
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, max-age=3600",
    },
  });
}
