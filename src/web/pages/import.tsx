/**
 * 导入: upload a hand-over list (.xlsx/.csv) → preview with per-row errors (nothing written) → confirm →
 * all-or-nothing import, idempotent on 受理编号. The preview keeps the uploaded file's SHA-256 and the parsed
 * table's digest on the server (import_previews); the confirm form posts back the preview id and the table, which
 * must match that digest, and the import records the server's file hash — never one the browser sent (issue 16).
 */
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)
import { checkPreview, savePreview } from "../../db/import-previews.js";
import { loadDirectory } from "../../db/ledger.js";
import { SOURCES } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { DuplicateKey, VersionConflict } from "../../db/write.js";
import { sha256Hex } from "../../files/types.js";
import { DomainError } from "../../handlers/errors.js";
import { importCases, previewImport, type ImportInput } from "../../handlers/import-cases.js";
import { sheetAsText } from "../../sheets/import-rows.js";
import { MAX_TABLE_BYTES, readTable, TableReadError } from "../../sheets/read.js";
import { actorOf, handlerCtx, runUseCase } from "../../handlers/run.js";
import { ImportForm, PreviewView, SHOWN_ROWS } from "./import-view.js";
import { importMatches, type RowMatches } from "../../handlers/import-matches.js";
import { parseChoices } from "../../handlers/import-repeats.js";
import { Notice, page, userOf, type Ctx } from "./shared.js";
import { toPlain } from "../../domain/message.js";
import { templateXlsx } from "../excel/template.js";
import { attachmentHeader, XLSX_MIME } from "./export.js";

const unitNames = async (deps: Deps) => new Map((await loadDirectory(deps.db)).units.map((u) => [u.id, u.name]));

/** GET /dashboard/import/template.xlsx: the columns the import reads, with an example row (issue 11). */
export async function importTemplate(_c: Ctx) {
  return new Response((await templateXlsx()) as Uint8Array<ArrayBuffer>, {
    headers: { "Content-Type": XLSX_MIME, "Content-Disposition": attachmentHeader("duban-handover-template.xlsx", "交办清单模板.xlsx"), "Cache-Control": "private, no-store" },
  });
}

export async function importPage(c: Ctx) {
  return page(c, "导入交办清单", "import", <ImportForm user={userOf(c)} />);
}

const fail = (c: Ctx, message: string, status: 400 | 403 | 409 | 422 = 422) =>
  page(c, "导入交办清单", "import", <><Notice kind="error">{message}</Notice><ImportForm user={userOf(c)} /></>, status);

const sourceOf = (v: unknown) => (typeof v === "string" && (SOURCES as readonly string[]).includes(v) ? v : undefined);

/** POST /dashboard/import/preview (multipart: file, source). */
export async function importPreview(c: Ctx) {
  const deps = c.get("deps");
  const user = userOf(c);
  const body = await c.req.parseBody();
  const file = body.file;
  const source = sourceOf(body.source);
  if (!source) return fail(c, `请选择来源（${SOURCES.join("、")}）。`, 400);
  if (!(file instanceof File) || file.size === 0) return fail(c, "请选择要上传的 .xlsx 或 .csv 文件。", 400);
  if (file.size > MAX_TABLE_BYTES) return fail(c, "文件超过 10 MB，请拆分后分批导入。", 400);
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    const sheets = await readTable(bytes);
    const input: ImportInput = { sheets, source, fileName: file.name.slice(0, 200), sha256: await sha256Hex(bytes) };
    const preview = await previewImport({ ctx: handlerCtx({ deps, actor: actorOf(user), source: "web" }), input });
    const table = sheetAsText(sheets);
    const canImport = preview.plan.errors.length === 0 && preview.fresh.length > 0;
    const previewId = canImport ? await savePreview(deps.db, { actor: user.userId, source, fileName: input.fileName, fileSha256: input.sha256, table, at: deps.clock() }) : undefined;
    const similar = await matchesOf(deps, user, preview);
    return page(c, "导入预览", "import", <PreviewView user={user} input={input} preview={preview} table={table} previewId={previewId} tz={deps.config.timezone} units={await unitNames(deps)} similar={similar} />);
  } catch (e) {
    if (e instanceof TableReadError || (e instanceof DomainError && e.code === "BAD_INPUT")) return fail(c, e.message);
    if (e instanceof DomainError && e.code === "FORBIDDEN") return fail(c, e.message, 403);
    throw e;
  }
}

const commitBody = z.object({
  previewId: z.string({ error: "缺少预览编号，请重新上传文件。" }).uuid("预览编号无效，请重新上传文件。"),
  table: z.string().max(40_000_000, "表格过大").transform((s, ctx) => {
    const rows = z.array(z.array(z.string().max(20_000)).max(200)).max(6000).safeParse(safeJson(s));
    if (!rows.success) ctx.addIssue({ code: "custom", message: "预览数据已损坏，请重新上传文件。" });
    return rows.success ? rows.data : [];
  }),
});
const safeJson = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

/** POST /dashboard/import/commit (the previewed table as JSON): validate again, then import in one batch. */
export async function importCommit(c: Ctx) {
  const deps = c.get("deps");
  const user = userOf(c);
  const raw = await c.req.parseBody();
  const parsed = commitBody.safeParse(raw);
  if (!parsed.success) return fail(c, parsed.error.issues.map((i) => i.message).join("；"), 400);
  const choices = parseChoices(raw);
  if ("error" in choices) return fail(c, choices.error, 400);
  const { previewId, table } = parsed.data;
  const seen = await checkPreview(deps.db, previewId, user.userId, table, deps.clock());
  if (seen === "missing") return fail(c, "预览已过期或不存在，请重新上传文件。", 409);
  if (seen === "changed") return fail(c, "提交的表格与上传的文件不一致，未导入任何数据。请重新上传文件。", 409);
  const { source, fileName, fileSha256: sha256 } = seen;
  const input: ImportInput = { sheets: [{ name: fileName, rows: table }], source, fileName, sha256, choices };
  try {
    const done = await runUseCase({ deps, actor: actorOf(user), source: "web", action: "web.import" }, (ctx) => importCases({ ctx, input }));
    return page(
      c,
      "导入完成",
      "import",
      <>
        <Notice kind="ok"><span id="import-result">{toPlain(done.reply)}</span></Notice>
        <p><a class="btn" href="/dashboard/cases">到台账查看</a> <a class="btn light" href="/dashboard/import">继续导入</a></p>
      </>,
    );
  } catch (e) {
    if (e instanceof DomainError && e.code === "BAD_INPUT") {
      const preview = await previewImport({ ctx: handlerCtx({ deps, actor: actorOf(user), source: "web" }), input }).catch(() => undefined);
      if (!preview) return fail(c, e.message);
      const similar = await matchesOf(deps, user, preview);
      return page(c, "导入预览", "import", <PreviewView user={user} input={input} preview={preview} table={table} previewId={previewId} tz={deps.config.timezone} units={await unitNames(deps)} similar={similar} error={e.message} />, 422);
    }
    if (e instanceof DomainError && e.code === "FORBIDDEN") return fail(c, e.message, 403);
    if (e instanceof DuplicateKey) return fail(c, "导入期间有受理编号被其他人录入，本次未导入任何数据。请重新上传预览。", 409);
    if (e instanceof VersionConflict) return fail(c, "导入期间要并入的原案件被其他人更新，本次未导入任何数据。请重新上传预览后再确认。", 409);
    throw e;
  }
}

/**
 * Suspected repeats of every new row (issue 13), by spreadsheet line: earlier cases (with a 并案 / 不是重复 choice
 * each) and rows of the same list about the same place.
 */
async function matchesOf(deps: Deps, user: ReturnType<typeof userOf>, preview: Awaited<ReturnType<typeof previewImport>>): Promise<Map<number, RowMatches>> {
  return importMatches(handlerCtx({ deps, actor: actorOf(user), source: "web" }), preview.fresh);
}
