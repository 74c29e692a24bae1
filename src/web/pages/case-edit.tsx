/**
 * 修改案件信息 on the case page (issue 11): the office completes what a chat dispatch could not say — 地址, 行政区域,
 * 污染类型 — and corrects title, content, source and batch. Posts to the same /act route as the other actions.
 */
import * as z from "zod/v4";
import type { CaseRow, Directory } from "../../db/ledger.js";
import { POLLUTION_TYPES, SOURCES } from "../../db/schema.js";
import type { WebUser } from "../context.js";
import { CsrfField } from "./shared.js";

const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export const editBody = z.object({
  action: z.literal("edit"),
  version: z.coerce.number().int().positive(),
  title: z.string().trim().min(1, "请填写标题").max(60, "标题不能超过 60 字"),
  content: z.string().trim().min(1, "请填写问题描述").max(5000, "问题描述不能超过 5000 字"),
  address: z.string().trim().max(200, "地址不能超过 200 字"),
  area: z.string().trim().max(50, "行政区域不能超过 50 字"),
  types: z.preprocess(list, z.array(z.enum(POLLUTION_TYPES, { error: "污染类型不正确" }))),
  source: z.enum(SOURCES, { error: "请选择来源" }),
  batch: z.union([z.literal(""), z.coerce.number().int().positive()], { error: "请选择交办批次" }),
});

export function CaseEditForm(props: { c: CaseRow; user: WebUser; dir: Directory }) {
  const { c, user, dir } = props;
  return (
    <details class="card" id="edit-case">
      <summary>修改案件信息（地址、区域、污染类型等）</summary>
      <form method="post" action={`/dashboard/cases/${c.id}/act`} class="stack">
        <CsrfField user={user} />
        <input type="hidden" name="action" value="edit" />
        <input type="hidden" name="version" value={String(c.version)} />
        <label>标题 <input name="title" value={c.title} required maxlength={60} /></label>
        <label>地址 <input name="address" value={c.address ?? ""} maxlength={200} placeholder="如：金牛大道18号" /></label>
        <label>行政区域 <input name="area" value={c.area ?? ""} maxlength={50} placeholder="如：金牛区" /></label>
        <fieldset>
          <legend>污染类型</legend>
          {POLLUTION_TYPES.map((t) => (
            <label class="inline"><input type="checkbox" name="types" value={t} checked={c.pollutionTypes.includes(t)} /> {t}</label>
          ))}
        </fieldset>
        <label>来源 <select name="source">{SOURCES.map((s) => <option value={s} selected={s === c.source}>{s}</option>)}</select></label>
        <label>交办批次 <select name="batch"><option value="">（无）</option>{dir.batches.map((b) => <option value={String(b.id)} selected={b.id === c.batchId}>{b.name}</option>)}</select></label>
        <label>问题描述 <textarea name="content" rows={4} required maxlength={5000}>{c.content}</textarea></label>
        <button type="submit" name="do" value="edit">保存修改</button>
      </form>
    </details>
  );
}
