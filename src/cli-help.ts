/**
 * Bilingual usage of the `duban` command, one entry per verb. Imports nothing, so `duban --help` and
 * `duban <verb> --help` answer without loading the server (bin/duban.js loads this module alone for them).
 */
type Verb = { name: string; usage: string; zh: string; en: string };

const VERBS: Verb[] = [
  { name: "serve", usage: "serve", zh: "启动服务（npm start 即运行此命令）；设置见 README 的 Configuration", en: "start the server (what npm start runs); settings: README, Configuration" },
  { name: "migrate", usage: "migrate", zh: "执行数据库迁移", en: "apply database migrations" },
  { name: "seed", usage: "seed --demo", zh: "写入演示数据（可重复执行；数据标注为演示）", en: "add the demo district (idempotent; rows are labelled as demo)" },
  { name: "backup", usage: "backup <file>", zh: "用 VACUUM INTO 写出一致的数据库副本并校验", en: "write a consistent copy of the database (VACUUM INTO) and verify it" },
  {
    name: "tick",
    usage: "tick [--at <instant>]",
    zh: "运行该时刻到期的定时任务并打印排队的消息（默认现在），时刻如 2026-12-02T08:30:00+08:00", en: "run the schedules due at that instant (default now) and print what was queued",
  },
  { name: "digest", usage: "digest --preview [--group <chatId>] [--at <instant>]", zh: "预览某群的每日通报（默认指挥群），不发送也不记录", en: "print a group's daily digest (default: the command group) without sending or recording it" },
  {
    name: "group",
    usage: "group list | group add [--platform wecom|dingtalk] --chat <chatId> --name <name> (--unit <unit name> | --purpose command) [--webhook <url> --secret <SEC…>] | group set-robot <chatId> <key>",
    zh: "查看各群（平台、用途，机器人密钥打码）；登记企业微信或钉钉群（钉钉群的 --chat 为 conversationId，可选自定义机器人 Webhook 与加签密钥）；保存企业微信群机器人 webhook 密钥",
    en: "list groups (platform, purpose, masked robot credentials); register a WeCom or DingTalk group (DingTalk: --chat is the conversationId; optional custom robot webhook and 加签 secret); store a WeCom group robot's webhook key",
  },
  { name: "person", usage: "person set --user <userid> --dingtalk <staffId>", zh: "设置人员的钉钉 ID（员工 userid，用于识别钉钉消息的发送人）；--dingtalk \"\" 清除", en: "map a person to their DingTalk staff id (how DingTalk senders are recognised); --dingtalk \"\" clears it" },
  {
    name: "admin",
    usage: "admin create --user <userid> --name <name> [--unit <unit name>] | admin reset-mfa --user <userid> | admin role-changes | admin approve --id <n> | admin reject --id <n>",
    zh: "创建第一个管理员（提示输入密码，或用 DUBAN_ADMIN_PASSWORD）；重置某人的动态口令（手机丢失时）；查看、批准或驳回待批准的角色授予", en: "make the first administrator (password prompted, or DUBAN_ADMIN_PASSWORD); forget a lost authenticator; list, approve or reject pending role grants",
  },
  { name: "import", usage: "import <file.xlsx|file.csv> [--source 中央督察] [--yes]", zh: "检查交办清单并逐行报错；加 --yes 导入（全部成功或全部不导入）", en: "check a hand-over list and print per-row errors; with --yes import it (all or nothing)" },
  { name: "export", usage: "export <file.xlsx>", zh: "按公开格式导出全部台账", en: "write the whole ledger in the public disclosure layout" },
  { name: "token", usage: "token create --name <name> --role <role> [--unit <unit>] | token list | token revoke <id>", zh: "管理 /api/v1 的 API 令牌（令牌只显示一次）", en: "manage API tokens for /api/v1 (a token is printed once)" },
  { name: "audit", usage: "audit verify | audit export <file>", zh: "校验审计日志哈希链；导出审计日志（JSON lines，每日拷贝到其他主机）", en: "verify the audit log's hash chain; export it as JSON lines (copy it off-host daily)" },
  {
    name: "reindex",
    usage: "reindex [--only stats|search]",
    zh: "重建由案件和时间线派生的统计表与全文索引（恢复备份或用 SQL 批量导入后运行；可重复执行）",
    en: "rebuild the tables derived from cases and events: statistics and the search index (after a restore or a bulk load by SQL; idempotent)",
  },
  { name: "smoke", usage: "smoke <baseUrl> [--max-tick-age <minutes>] [--timeout <seconds>]", zh: "部署后自检：healthz、登录登出、企业微信 URL 验证、定时任务", en: "post-deploy check: healthz, sign-in/out, WeCom URL verification, scheduler" },
];

export const VERB_NAMES: readonly string[] = VERBS.map((v) => v.name);

/** The whole usage, or one verb's; undefined for an unknown verb. */
export function helpText(verb?: string): string | undefined {
  if (verb) {
    const v = VERBS.find((x) => x.name === verb);
    return v && `用法 Usage: duban ${v.usage}\n  ${v.zh}\n  ${v.en}\n`;
  }
  const lines = VERBS.map((v) => `  ${v.usage}\n      ${v.zh}\n      ${v.en}`);
  return `用法 Usage: duban <command> [options]   （duban <command> --help 查看单个命令）\n\n${lines.join("\n")}\n`;
}

/** `--help`, `-h` or `help` anywhere in argv asks for help; returns the verb it is about, if any. */
export function helpRequest(argv: string[]): { verb?: string } | undefined {
  const i = argv.findIndex((a) => a === "--help" || a === "-h");
  if (argv[0] === "help") return { verb: argv[1] };
  if (i < 0) return undefined;
  return { verb: i > 0 ? argv[0] : undefined };
}
