/**
 * 同一地点历史 (issue 13): the complaints merged into this case, and the cases about the same place with their
 * closures and 回头看 patrols — so the reader sees at once whether a "closed" problem keeps coming back.
 * Cases the viewer may not see (another unit's) are counted, not shown (R34).
 */
import type { PlaceCase, PlaceEvent, PlaceHistory } from "../../db/place-history.js";
import type { Directory } from "../../db/ledger.js";
import type { WebUser } from "../context.js";
import { canView } from "../../domain/permissions.js";
import { personName, unitName, ymd } from "./format.js";
import { StateTag } from "./shared.js";

const RELATION: Record<PlaceCase["relation"], string> = { self: "本案", into: "本投诉已并入", similar: "疑似同一地点" };

function eventLabel(e: PlaceEvent): string {
  if (e.kind === "closure_approved") return "办结（审核通过）";
  if (e.kind === "patrol_ok") return "回头看：巡查正常";
  return e.merged ? "重复投诉，重新办理" : "回头看：巡查反弹";
}

function Events(props: { events: PlaceEvent[]; tz: string }) {
  if (!props.events.length) return <span class="muted">尚无办结或巡查记录</span>;
  return (
    <ul class="plain small">
      {props.events.map((e) => (
        <li data-place-event={e.kind}>{ymd(e.at, props.tz)} {eventLabel(e)}{e.text && e.kind !== "closure_approved" ? `：${e.text}` : ""}</li>
      ))}
    </ul>
  );
}

export function PlaceHistoryView(props: { h: PlaceHistory; user: WebUser; dir: Directory; tz: string }) {
  const { h, user, dir, tz } = props;
  const shown = h.cases.filter((c) => c.relation === "self" || canView(user, c));
  const hidden = h.cases.length - shown.length;
  const related = shown.filter((c) => c.relation !== "self");
  return (
    <section class="card" id="place-history">
      <h2>同一地点历史</h2>
      {h.merged.length ? (
        <>
          <h3>并入本案的投诉（{h.merged.length} 件，连同本案共 {h.merged.length + 1} 次投诉）</h3>
          <ol class="merged-complaints">
            {h.merged.map((m) => (
              <li data-merged={String(m.id)}>
                <strong>#{m.id}</strong> <span class="muted small">{ymd(m.createdAt, tz)} 收到 · {m.source}{m.externalNo ? ` ${m.externalNo}` : ""} · {ymd(m.mergedAt, tz)} 由{personName(dir, m.by)}并案</span>
                <div>{m.content}</div>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {related.length || shown.some((c) => c.events.length) ? (
        <table class="wide labeled place-cases">
          <thead>
            <tr><th>案件</th><th>关系</th><th>牵头单位</th><th>状态</th><th>交办日期</th><th>办结日期</th><th>办结与回头看</th></tr>
          </thead>
          <tbody>
            {shown.map((c) => (
              <tr data-place-case={String(c.id)} data-relation={c.relation}>
                <td data-label="案件">{c.relation === "self" ? `#${c.id}` : <a href={`/dashboard/cases/${c.id}`}>#{c.id}</a>} {c.title}</td>
                <td data-label="关系">{RELATION[c.relation]}{c.reasons.length ? <div class="muted small">{c.reasons.join("；")}</div> : null}</td>
                <td data-label="牵头单位">{unitName(dir, c.leadUnitId)}</td>
                <td data-label="状态"><StateTag state={c.state} />{c.reboundCount ? <div class="muted small">反弹 {c.reboundCount} 次</div> : null}</td>
                <td data-label="交办日期">{ymd(c.createdAt, tz)}</td>
                <td data-label="办结日期">{c.state === "closed" ? ymd(c.closedAt, tz) : "—"}</td>
                <td data-label="办结与回头看"><Events events={c.events} tz={tz} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {!h.merged.length && !related.length ? <p class="muted" id="place-history-none">无：没有并入本案的投诉，也未发现同一地点的其他案件。</p> : null}
      {hidden ? <p class="muted small">另有 {hidden} 件同一地点的案件属于其他单位，未显示。</p> : null}
      {h.similarFailed ? <p class="muted small">同一地点的其他案件暂时无法查询，请稍后刷新。</p> : null}
    </section>
  );
}
