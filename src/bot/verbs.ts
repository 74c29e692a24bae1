/** Chinese verbs of the chat commands (spec §3), their canonical spelling and usage lines. */
import type { CommandName } from "./commands.js";

/** Canonical verb of each command, as `formatCommand` writes it and help topics name it. */
export const VERB_OF: Record<CommandName, string> = {
  help: "帮助",
  assign: "交办",
  acknowledge: "签收",
  return: "退回",
  reassign: "改派",
  assign_officer: "指派",
  progress: "进展",
  request_extension: "延期",
  approve_extension: "同意延期",
  refuse_extension: "不同意延期",
  submit_closure: "办结",
  approve_closure: "通过",
  reject_closure: "驳回",
  flag: "挂牌",
  unflag: "摘牌",
  chase: "催办",
  patrol: "巡查",
  cancel: "撤销",
  hold_accountable: "问责",
  merge: "并案",
  not_duplicate: "不是重复",
  unmerge: "撤销并案",
  query: "查",
  remark_photo: "照片",
  select: "选择",
  mine: "我的",
  overdue: "逾期",
  stats: "统计",
  login: "登录",
};

const SYNONYMS: [string, CommandName][] = [
  ["help", "help"], ["?", "help"], ["命令", "help"], ["使用说明", "help"], ["怎么用", "help"], ["使用帮助", "help"],
  ["新交办", "assign"],
  ["认领", "acknowledge"], ["接收", "acknowledge"], ["已签收", "acknowledge"],
  ["退单", "return"],
  ["转派", "reassign"],
  ["指定", "assign_officer"],
  ["进度", "progress"], ["反馈", "progress"], ["报送进展", "progress"],
  ["申请延期", "request_extension"],
  ["批准延期", "approve_extension"],
  ["拒绝延期", "refuse_extension"], ["不予延期", "refuse_extension"],
  ["申请办结", "submit_closure"], ["结案", "submit_closure"],
  ["审核通过", "approve_closure"], ["销号", "approve_closure"], ["同意办结", "approve_closure"],
  ["不通过", "reject_closure"], ["审核不通过", "reject_closure"],
  ["挂牌督办", "flag"],
  ["追责", "hold_accountable"],
  ["合并", "merge"], ["并入", "merge"],
  ["不重复", "not_duplicate"], ["非重复", "not_duplicate"], ["不是重复投诉", "not_duplicate"],
  ["取消并案", "unmerge"],
  ["取消挂牌", "unflag"],
  ["催促", "chase"],
  ["复查", "patrol"],
  ["查询", "query"], ["查看", "query"], ["详情", "query"], ["看看", "query"],
  ["选定", "select"],
  ["待办", "mine"], ["我的待办", "mine"], ["我的案件", "mine"],
  ["超期", "overdue"], ["逾期案件", "overdue"],
  ["统计数据", "stats"],
  ["登陆", "login"],
];

/** All verbs, longest first so that "不同意延期" wins over "同意延期" and "查询" over "查". */
export const VERBS: [string, CommandName][] = [
  ...(Object.entries(VERB_OF) as [CommandName, string][]).map(([name, verb]): [string, CommandName] => [verb, name]),
  ...SYNONYMS,
].sort((a, b) => b[0].length - a[0].length);

/** The verb at the start of `s` (ASCII verbs case-insensitive and not glued to letters/digits). */
export function matchVerb(s: string): { name: CommandName; verb: string; rest: string } | undefined {
  const lower = s.slice(0, 8).toLowerCase();
  for (const [verb, name] of VERBS) {
    if (!lower.startsWith(verb)) continue;
    if (/^[a-z]+$/.test(verb) && /^[A-Za-z0-9]/.test(s.slice(verb.length))) continue;
    return { name, verb, rest: s.slice(verb.length) };
  }
  return undefined;
}

const EXAMPLE_CLOSURE = "办结 #12（换行）核查：属实，经现场核实……（换行）整改：已安装油烟净化器（换行）分类：限期整改（换行）责任：约谈店主，责令整改（换行）回访：满意";

/** One usage line per command: the form and an example. */
export const USAGE: Record<CommandName, string> = {
  help: "用法：帮助 [命令]，例如：帮助 交办",
  assign:
    "用法：交办 问题描述 给 牵头单位 [配合 配合单位] [限 时限] [督办 领导] [紧急] [来电人 姓名 电话（单独保存，群内不显示）]，例如：交办 金牛大道某烧烤店油烟扰民 给 荷花池街道 配合 区城管局 限 5个工作日 督办 李区长",
  acknowledge: "用法：签收 #案件号，例如：签收 #12",
  return: "用法：退回 #案件号 原因，例如：退回 #12 该点位属驷马桥街道辖区",
  reassign: "用法：改派 #案件号 给 单位，例如：改派 #12 给 驷马桥街道",
  assign_officer: "用法：指派 #案件号 给 @责任人，例如：指派 #12 给 @赵六",
  progress: "用法：进展 #案件号 进展情况，例如：进展 #12 已约谈店主，正在安装净化器",
  request_extension: "用法：延期 #案件号 至 日期 原因，例如：延期 #12 至 12月20日 设备到货需10天",
  approve_extension: "用法：同意延期 #案件号，例如：同意延期 #12",
  refuse_extension: "用法：不同意延期 #案件号 原因，例如：不同意延期 #12 请按原时限完成",
  submit_closure: `用法：办结 #案件号，再分行写 核查、整改、分类、责任、回访，例如：${EXAMPLE_CLOSURE}`,
  approve_closure: "用法：通过 #案件号 [核实说明]，例如：通过 #12；照片核查有提示时：通过 #12 已现场核实",
  reject_closure: "用法：驳回 #案件号 [需重报的项目] 原因，项目可写 核查、整改、责任、回访（不写则四项都需重报），例如：驳回 #12 整改 照片不能反映整改效果",
  flag: "用法：挂牌 #案件号，例如：挂牌 #12",
  unflag: "用法：摘牌 #案件号，例如：摘牌 #12",
  chase: "用法：催办 #案件号，例如：催办 #12",
  patrol: "用法：巡查 #案件号 正常/反弹 [说明]，例如：巡查 #12 正常，或 巡查 #12 反弹 又有油烟",
  cancel: "用法：撤销 #案件号 原因，例如：撤销 #12 重复交办",
  hold_accountable: "用法：问责 #案件号 处理方式 对象和说明，例如：问责 #12 约谈 荷花池街道分管负责人，逾期7个工作日未办结",
  merge: "用法：并案 #新案件号 到 #原案件号（新投诉并入原案件；原案件已办结的，重新办理），例如：并案 #91 到 #57",
  not_duplicate: "用法：不是重复 #案件号 [#疑似重复的案件号]（不写则提示过的都不再提示），例如：不是重复 #91 #57",
  unmerge: "用法：撤销并案 #案件号（仅限领导），例如：撤销并案 #91",
  query: "用法：查 #案件号 或 受理编号，例如：查 #12，或 查 D3SX202505280018",
  remark_photo: "用法：照片 #案件号 第几张 改为整改后/整改前，例如：照片 #12 第2张 改为整改后（第几张见案件页或「查 #12」）",
  select: "用法：直接发送案件号，例如：#12",
  mine: "用法：我的（或 待办），例如：我的",
  overdue: "用法：逾期，例如：逾期",
  stats: "用法：统计，例如：统计",
  login: "用法：登录（请在单聊中发送），例如：登录",
};

/** Usage lines for single 办结 fields, used in BAD_VALUE errors. */
export const FIELD_USAGE = {
  handlingClass: "用法：分类：保留经营/限期整改/关停取缔/无需整改，例如：分类：限期整改",
  callback: "用法：回访：满意/基本满意/不满意/无法联系 [说明]，例如：回访：无法联系，电话空号",
  outcome: "用法：结果：已办结/阶段性办结，例如：结果：阶段性办结",
  milestone: "用法：节点：日期（阶段性办结必填），例如：节点：12月30日",
  externalNo: "用法：编号 受理编号（字母开头的字母数字组合），例如：编号 D3SX202505280018",
  deadline: "用法：限 日期或天数，例如：限 12月10日、限 本周五、限 3天内、限 5个工作日",
  tooLong: "用法：每条消息不超过 2048 字节（约 680 个汉字），内容较多请分几条发送，例如：进展 #12 已约谈店主，正在安装净化器",
  empty: "用法：发送命令，例如：我的；发送「帮助」查看全部命令",
} as const;
