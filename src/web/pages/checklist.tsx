/** The 四不放过 checklist of a case (spec §2.2), from the same closure-gate rule the chat 办结 uses. */
import type { CaseRow } from "../../db/ledger.js";
import { missingForStored, type GateItem } from "../../domain/closure-gate.js";
import { accountabilityText } from "../excel/export-rows.js";

type Item = { key: GateItem["item"]; label: string; values: [string, string | null][] };

/** What is still missing per item; 阶段性办结 without a next milestone is reported under 办结类型. */
export function gateOf(c: CaseRow, afterPhotos: number): GateItem[] {
  return missingForStored(c, afterPhotos);
}

export function Checklist(props: { c: CaseRow; afterPhotos: number }) {
  const { c } = props;
  const missing = gateOf(c, props.afterPhotos);
  const items: Item[] = [
    { key: "查清", label: "问题查清", values: [["调查核实情况", c.finding], ["是否属实", c.verdict]] },
    { key: "整改到位", label: "整改到位", values: [["处理和整改情况", c.rectification], ["处置分类", c.handlingClass], ["整改后照片", `${props.afterPhotos} 张`]] },
    { key: "责任落实", label: "责任落实", values: [["责任人被处理情况", accountabilityText(c) || null]] },
    { key: "群众满意", label: "群众满意", values: [["回访结果", c.callbackResult], ["说明", c.callbackNote]] },
  ];
  return (
    <ol class="checklist" id="checklist">
      {items.map((it) => {
        const gap = missing.filter((m) => m.item === it.key);
        return (
          <li class={gap.length ? "todo" : "done"} data-item={it.key}>
            <strong>{gap.length ? "✘" : "✔"} {it.label}</strong>
            <dl>
              {it.values.map(([k, v]) => (
                <>
                  <dt>{k}</dt>
                  <dd>{v ?? <span class="muted">未填写</span>}</dd>
                </>
              ))}
            </dl>
            {gap.length ? <p class="warn small">缺：{gap.map((g) => g.missing).join("；")}</p> : null}
          </li>
        );
      })}
    </ol>
  );
}
