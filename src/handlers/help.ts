/**
 * 帮助 for the person asking (issue 11): only the commands their roles allow, with examples taken from their own
 * unit (one of its real case numbers, its own name) or, for the office, from real units and leaders of the district.
 * `帮助 办结` explains every line, 阶段性办结 included.
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import { cases, people } from "../db/schema.js";
import { canCreate, canDo } from "../domain/permissions.js";
import type { CaseAction } from "../domain/lifecycle.js";
import type { Actor, Outcome, UseCaseArgs } from "./context.js";
import { line, msg, quote, strong } from "../domain/message.js";

type Entry = { verb: string; who: string; what: string; example: string; may: (a: Actor) => boolean };

/** May the actor take `action` on a case led by their own unit (the help's question: "is this command for me?"). */
const onOwn = (action: CaseAction) => (a: Actor) => canDo(a, action, { leadUnitId: a.unitId, coUnitIds: [] });
const anyone = () => true;

/** Keyed by the chat command names of src/bot/commands.ts (a string here: handlers know no chat grammar). */
export const HELP: Record<string, Entry> = {
  assign: { verb: "交办", who: "督办员、领导", what: "交办新案件，可写配合单位、时限（12月20日/12.20/下周三/月底/5个工作日）、地址、区域、包案领导、紧急", example: "交办 金牛大道某烧烤店油烟扰民 地址 金牛大道18号 给 荷花池街道 配合 区城管局 限 5个工作日 督办 李区长", may: canCreate },
  acknowledge: { verb: "签收", who: "牵头单位负责人、责任人", what: "签收本单位案件，可一次签收多件；“收到 #12”也算签收", example: "签收 #12　/　签收 #12 #15", may: onOwn("acknowledge") },
  return: { verb: "退回", who: "牵头单位负责人", what: "不属于本单位的案件退回并说明原因（退回三次后由督办办定责）", example: "退回 #12 该点位不在本辖区", may: onOwn("return") },
  reassign: { verb: "改派", who: "督办员、领导", what: "改由其他单位牵头", example: "改派 #12 给 驷马桥街道", may: onOwn("reassign") },
  assign_officer: { verb: "指派", who: "牵头单位负责人", what: "指定本单位责任人", example: "指派 #12 给 @赵六", may: onOwn("assign_officer") },
  progress: { verb: "进展", who: "牵头、配合单位", what: "报送办理进展，可附照片；写明“整改前/整改后”标记照片；直接写“#12 已约谈店主”也可以", example: "进展 #12 已约谈店主，正在安装净化器", may: onOwn("progress") },
  request_extension: { verb: "延期", who: "牵头单位负责人", what: "申请延长时限（由领导审批）", example: "延期 #12 至 12.20 设备到货需10天", may: onOwn("request_extension") },
  approve_extension: { verb: "同意延期", who: "领导", what: "批准延期申请；不同意请写原因", example: "同意延期 #12　/　不同意延期 #12 请按原时限完成", may: onOwn("decide_extension") },
  submit_closure: {
    verb: "办结",
    who: "牵头单位负责人、责任人",
    what: "按“四不放过”申请办结，分行填写，并附整改后照片（不属实的除外）。\n核查：调查核实情况，写明属实/部分属实/不属实\n整改：处理和整改情况\n分类：保留经营/限期整改/关停取缔/无需整改\n责任：责任人被处理情况（约谈、罚款5000元……）\n回访：满意/基本满意/不满意/无法联系\n尚未全部完成时写：阶段性办结 下一节点 12月30日（或：结果：阶段性办结 + 节点：12月30日）",
    example: "办结 #12\n核查：属实，经现场核实……\n整改：已安装油烟净化器\n分类：限期整改\n责任：约谈店主，责令整改\n回访：满意",
    may: onOwn("submit_closure"),
  },
  approve_closure: { verb: "通过", who: "领导", what: "审核通过（销号）；不通过请用“驳回 #12 原因”", example: "通过 #12　/　驳回 #12 整改 照片不能反映整改效果（写明需重报的项目，不写则四项都重报）", may: onOwn("approve_closure") },
  flag: { verb: "挂牌", who: "领导", what: "挂牌督办（每个工作日提醒，优先显示）；摘牌用“摘牌 #12”", example: "挂牌 #12", may: onOwn("flag") },
  chase: { verb: "催办", who: "督办员、领导", what: "立即提醒牵头单位（同一案件有间隔限制）", example: "催办 #12", may: onOwn("chase") },
  patrol: { verb: "巡查", who: "督办员、牵头单位", what: "办结后巡查，发现反弹自动重新办理", example: "巡查 #12 正常　/　巡查 #12 反弹 又有油烟", may: onOwn("patrol") },
  cancel: { verb: "撤销", who: "督办员、领导", what: "撤销误交办的案件（保留记录）", example: "撤销 #12 重复交办", may: onOwn("cancel") },
  merge: { verb: "并案", who: "督办员、领导", what: "把重复投诉并入先前的案件；先前案件已办结的，视为反弹重新办理（交办时会提示“疑似重复”）", example: "并案 #91 到 #57", may: onOwn("merge") },
  not_duplicate: { verb: "不是重复", who: "督办员、领导", what: "确认不是重复投诉，此后不再提示", example: "不是重复 #91 #57", may: onOwn("mark_not_duplicate") },
  unmerge: { verb: "撤销并案", who: "领导", what: "撤销误并的案件，恢复原状态", example: "撤销并案 #91", may: onOwn("unmerge") },
  hold_accountable: { verb: "问责", who: "问责组、领导", what: "记录对逾期、不力单位的问责处理，写入案件档案和“责任人被处理情况”", example: "问责 #12 约谈 荷花池街道分管负责人", may: onOwn("hold_accountable") },
  remark_photo: { verb: "照片", who: "牵头单位、督办员", what: "更正已发照片的标记（第几张按发送顺序，见「查 #12」或案件页）", example: "照片 #12 第2张 改为整改后", may: (a) => onOwn("progress")(a) || canCreate(a) },
  query: { verb: "查", who: "所有人（本人范围）", what: "查看案件详情，可用案件号或受理编号，可一次查多件；也可问“#12 什么情况”", example: "查 #12　/　查 D3SX202505280018", may: anyone },
  mine: { verb: "我的", who: "所有人", what: "本单位待办（领导：待审核；督办员：被退回、超时未签收）", example: "我的", may: anyone },
  overdue: { verb: "逾期", who: "所有人（本人范围）", what: "逾期案件清单", example: "逾期", may: anyone },
  stats: { verb: "统计", who: "所有人（本人范围）", what: "完成率等统计，督办办可见各单位排名", example: "统计", may: anyone },
  login: { verb: "登录", who: "所有人（单聊）", what: "获取督办台一次性登录链接", example: "登录", may: anyone },
};

const ALIAS: Record<string, string> = { refuse_extension: "approve_extension", reject_closure: "approve_closure", unflag: "flag" };

export function helpFor(name: string): Omit<Entry, "may"> | undefined {
  return HELP[ALIAS[name] ?? name];
}

/** `topic`: a command name ("submit_closure"); none lists the commands this person may use. */
export type HelpInput = { topic?: string };

/** Examples in the asker's own terms: a real case number of their unit, real unit and leader names for the office. */
async function personalise({ ctx }: UseCaseArgs<HelpInput>): Promise<(text: string) => string> {
  const a = ctx.actor;
  const units = await ctx.units();
  const subs: [RegExp, string][] = [];
  if (a.unitId !== null) {
    const [own] = await ctx.deps.db
      .select({ id: cases.id })
      .from(cases)
      .where(and(eq(cases.leadUnitId, a.unitId), inArray(cases.state, ["pending_ack", "in_progress", "returned"])))
      .orderBy(desc(cases.id))
      .limit(1);
    if (own) subs.push([/#12\b/g, `#${own.id}`]);
  }
  const field = units.filter((u) => u.kind !== "office" && u.active);
  const mine = field.find((u) => u.id === a.unitId);
  const lead = mine ?? field[0];
  if (lead) subs.push([/荷花池街道/g, lead.name]);
  const other = field.find((u) => u.id !== lead?.id);
  if (other) subs.push([/驷马桥街道/g, other.name]);
  // A district has dozens of people: one small read; the first active leader stands for "李区长".
  const active = await ctx.deps.db.select({ name: people.name, roles: people.roles }).from(people).where(eq(people.active, true));
  const boss = active.find((p) => p.roles.includes("leader"));
  if (boss) subs.push([/李区长/g, boss.name]);
  return (text) => subs.reduce((t, [re, by]) => t.replace(re, by), text);
}

export async function showHelp(args: UseCaseArgs<HelpInput>): Promise<Outcome> {
  const { ctx, input } = args;
  const own = await personalise(args);
  const e = input.topic ? HELP[ALIAS[input.topic] ?? input.topic] : undefined;
  if (e) {
    const note = e.may(ctx.actor) ? [] : [quote(`您的角色不能使用「${e.verb}」（仅限${e.who}）。`)];
    return { reply: msg(line(strong(e.verb), `（${e.who}）`), e.what, "例如：", own(e.example), ...note), writes: [] };
  }
  const mine = Object.values(HELP).filter((x) => x.may(ctx.actor));
  const lines = mine.map((x) => line("· ", strong(x.verb), ` ${own(x.example.split("\n")[0].split("　/　")[0])}`));
  return { reply: msg(line(strong("督办助手 · 您可以用的命令"), "（在群里请先 @我）"), ...lines, quote("发送「帮助 命令」查看详细说明，例如：帮助 办结")), writes: [] };
}
