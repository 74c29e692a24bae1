/** 帮助: every command with who may use it and an example. */
import type { Outcome, UseCaseArgs } from "./context.js";
import { line, msg, quote, strong } from "../domain/message.js";

type Entry = { verb: string; who: string; what: string; example: string };

/** Keyed by the chat command names of src/bot/commands.ts (a string here: handlers know no chat grammar). */
export const HELP: Record<string, Entry> = {
  assign: { verb: "交办", who: "督办员、领导", what: "交办新案件，可写配合单位、时限（日期/本周五/5个工作日）、包案领导、紧急", example: "交办 金牛大道某烧烤店油烟扰民 给 荷花池街道 配合 区城管局 限 5个工作日 督办 李区长" },
  acknowledge: { verb: "签收", who: "牵头单位负责人、责任人", what: "签收本单位案件", example: "签收 #12" },
  return: { verb: "退回", who: "牵头单位负责人", what: "不属于本单位的案件退回并说明原因（退回三次后由督办办定责）", example: "退回 #12 该点位属驷马桥街道辖区" },
  reassign: { verb: "改派", who: "督办员、领导", what: "改由其他单位牵头", example: "改派 #12 给 驷马桥街道" },
  assign_officer: { verb: "指派", who: "牵头单位负责人", what: "指定本单位责任人", example: "指派 #12 给 @赵六" },
  progress: { verb: "进展", who: "牵头、配合单位", what: "报送办理进展，可附照片；写明“整改前/整改后”标记照片", example: "进展 #12 已约谈店主，正在安装净化器" },
  request_extension: { verb: "延期", who: "牵头单位负责人", what: "申请延长时限（每次一项，由领导审批）", example: "延期 #12 至 12月20日 设备到货需10天" },
  approve_extension: { verb: "同意延期", who: "领导", what: "批准延期申请；不同意请写原因", example: "同意延期 #12　/　不同意延期 #12 请按原时限完成" },
  submit_closure: { verb: "办结", who: "牵头单位负责人、责任人", what: "按“四不放过”申请办结，分行填写，并附整改后照片（不属实的除外）", example: "办结 #12\n核查：属实，经现场核实……\n整改：已安装油烟净化器\n分类：限期整改\n责任：约谈店主，责令整改\n回访：满意" },
  approve_closure: { verb: "通过", who: "领导", what: "审核通过（销号）；不通过请用“驳回 #12 原因”", example: "通过 #12　/　驳回 #12 整改 照片不能反映整改效果（写明需重报的项目，不写则四项都重报）" },
  flag: { verb: "挂牌", who: "领导", what: "挂牌督办（每个工作日提醒，优先显示）；摘牌用“摘牌 #12”", example: "挂牌 #12" },
  chase: { verb: "催办", who: "督办员、领导", what: "立即提醒牵头单位（同一案件有间隔限制）", example: "催办 #12" },
  patrol: { verb: "巡查", who: "督办员、牵头单位", what: "办结后巡查，发现反弹自动重新办理", example: "巡查 #12 正常　/　巡查 #12 反弹 又有油烟" },
  cancel: { verb: "撤销", who: "督办员、领导", what: "撤销误交办的案件（保留记录）", example: "撤销 #12 重复交办" },
  remark_photo: { verb: "照片", who: "牵头单位、督办员", what: "更正已发照片的标记（第几张按发送顺序，见「查 #12」或案件页）", example: "照片 #12 第2张 改为整改后" },
  query: { verb: "查", who: "所有人（本人范围）", what: "查看案件详情，可用案件号或受理编号", example: "查 #12　/　查 D3SX202505280018" },
  mine: { verb: "我的", who: "所有人", what: "本单位待办（领导：待审核；督办员：被退回、超时未签收）", example: "我的" },
  overdue: { verb: "逾期", who: "所有人（本人范围）", what: "逾期案件清单", example: "逾期" },
  stats: { verb: "统计", who: "所有人（本人范围）", what: "完成率等统计，督办办可见各单位排名", example: "统计" },
  login: { verb: "登录", who: "所有人（单聊）", what: "获取督办台一次性登录链接", example: "登录" },
};

const ALIAS: Record<string, string> = { refuse_extension: "approve_extension", reject_closure: "approve_closure", unflag: "flag" };

export function helpFor(name: string): Entry | undefined {
  return HELP[ALIAS[name] ?? name];
}

/** `topic`: a command name ("submit_closure"); none lists every command. */
export type HelpInput = { topic?: string };

export async function showHelp({ input }: UseCaseArgs<HelpInput>): Promise<Outcome> {
  const e = input.topic ? helpFor(input.topic) : undefined;
  if (e) return { reply: msg(line(strong(e.verb), `（${e.who}）`), e.what, "例如：", e.example), writes: [] };
  const lines = Object.values(HELP).map((x) => line("· ", strong(x.verb), ` ${x.example.split("\n")[0].split("　/　")[0]}`));
  return { reply: msg(line(strong("督办助手 命令一览"), "（在群里请先 @我）"), ...lines, quote("发送「帮助 命令」查看详细说明，例如：帮助 办结")), writes: [] };
}
