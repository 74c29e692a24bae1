/** 一案一档: one case on one printable page — all fields, the 四不放过 checklist, every photo and the full timeline. */
import { currentAfterPhotoCount } from "../../db/case-detail.js";
import { loadDirectory } from "../../db/ledger.js";
import { CaseFields } from "./case-fields.js";
import { Checklist } from "./checklist.js";
import { ymdHm } from "./format.js";
import { caseIdOf, visibleCase } from "./case.js";
import { notFound, userOf, type Ctx } from "./shared.js";
import { currentRoundLabel, RoundHistory } from "./rounds.js";
import { Gallery, Timeline } from "./timeline.js";
import { photoCheckViews } from "./photo-checks.js";

export async function dossierPage(c: Ctx) {
  const id = caseIdOf(c);
  const doc = id ? await dossierDocument(c, id) : undefined;
  return doc ? c.html(doc.html) : notFound(c);
}

/** The dossier of a case this user may see (undefined otherwise), with its attachments: the page and the PDF (dossier-pdf.ts). */
export async function dossierDocument(c: Ctx, id: number) {
  const deps = c.get("deps");
  const user = userOf(c);
  const detail = await visibleCase(c, id);
  if (!detail) return undefined;
  const { case: k, events, attachments } = detail;
  const dir = await loadDirectory(deps.db);
  const now = deps.clock();
  const tz = deps.config.timezone;
  const after = currentAfterPhotoCount(detail);
  const html = (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`一案一档 #${k.id} ${k.title}`}</title>
        <link rel="stylesheet" href="/dashboard/assets/dashboard.css" />
        <link rel="stylesheet" href="/dashboard/assets/dossier.css" />
      </head>
      <body class="dossier">
        <header class="dossier-head">
          <h1>一案一档：#{k.id} {k.title}</h1>
          <p class="muted">
            {k.externalNo ? `受理编号 ${k.externalNo} · ` : ""}生成时间 {ymdHm(now, tz)} · 生成人 {user.name}
            <button type="button" class="no-print" data-print>打印 / 另存为 PDF</button>
            <form method="post" action={`/dashboard/cases/${k.id}/dossier.pdf`} class="no-print" style="display:inline;margin-left:8px">
              <input type="hidden" name="_csrf" value={user.csrf ?? ""} />
              <button type="submit">下载 PDF</button>
            </form>
          </p>
        </header>
        <section>
          <h2>一、基本信息</h2>
          <CaseFields c={k} dir={dir} tz={tz} now={now} />
        </section>
        <section>
          <h2>二、四不放过{detail.rounds.length ? `（${currentRoundLabel(detail, tz)}）` : ""}</h2>
          <Checklist c={k} afterPhotos={after} />
          {detail.rounds.length ? (
            <>
              <h3>历次办理</h3>
              <RoundHistory d={detail} dir={dir} tz={tz} eager />
            </>
          ) : null}
        </section>
        <section class="page-break">
          <h2>三、照片与附件</h2>
          <Gallery files={attachments} dir={dir} tz={tz} eager rounds={k.round > 1} checks={await photoCheckViews(deps, k)} />
        </section>
        <section>
          <h2>四、办理过程</h2>
          <Timeline events={events} dir={dir} tz={tz} full />
        </section>
        <footer class="muted small">督办台 · 本档案由系统根据案件记录自动生成，附件以 SHA-256 校验值标识。</footer>
        <script src="/dashboard/assets/dashboard.js" defer></script>
      </body>
    </html>
  );
  return { html, case: k, attachments };
}
