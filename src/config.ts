/** One zod schema for every setting; parsed once at start and passed in. */
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)

const DB_SCHEMES = ["file:", "libsql:", "http:", "https:", "ws:", "wss:"];

const databaseUrl = z.string().superRefine((v, ctx) => {
  let scheme: string;
  try {
    scheme = new URL(v).protocol;
  } catch {
    ctx.addIssue({ code: "custom", message: "is not a URL" });
    return;
  }
  if (!DB_SCHEMES.includes(scheme)) ctx.addIssue({ code: "custom", message: `scheme ${scheme} is not supported` });
  if (scheme !== "file:" && !/^[a-z]+:\/\/[^/]+/.test(v)) ctx.addIssue({ code: "custom", message: "has no host" });
});

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, "is not an IANA time zone");

// Host suffixes a residency-bound database may live on: "db.example.gov.cn", ".example.cn" or an IP address.
const HOST_SUFFIX = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])$/;
const hostSuffixes = z
  .string()
  .default("")
  .transform((s) => s.split(/[,，\s]+/).map((h) => h.trim().toLowerCase().replace(/^\*?\./, "").replace(/\.$/, "")).filter(Boolean))
  .pipe(z.array(z.string().regex(HOST_SUFFIX, "entries must be host names or suffixes such as db.example.gov.cn or .example.cn, without scheme, port or path")));

const bool = z.enum(["true", "false", "1", "0", "on", "off"]).transform((v) => ["true", "1", "on"].includes(v));

const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    // Loopback by default; in local mode a network address is refused while the simulator or MFA-less links are on.
    HOST: z.string().min(1).default("127.0.0.1"),
    DATABASE_URL: databaseUrl.default("file:./data/duban.db"),
    DATABASE_AUTH_TOKEN: z.string().optional(),
    FILES_DIR: z.string().min(1).default("./data/files"),
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    BUSINESS_TIMEZONE: timezone.default("Asia/Shanghai"),
    WECOM_MODE: z.enum(["off", "callback", "longconn"]).default("off"),
    WECOM_TOKEN: z.string().min(1).optional(),
    WECOM_ENCODING_AES_KEY: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}$/, "must be the 43-character EncodingAESKey from the admin console")
      .optional(),
    WECOM_BOT_ID: z.string().min(1).optional(),
    WECOM_BOT_SECRET: z.string().min(1).optional(),
    // The bot's display names in WeCom, comma-separated: an "@督办助手" anywhere in a message is not command text.
    BOT_NAMES: z
      .string()
      .default("督办助手")
      .transform((s) => s.split(/[,，]/).map((n) => n.trim().replace(/^@/, "")).filter(Boolean))
      .pipe(z.array(z.string().max(40, "each name at most 40 characters")).min(1, "needs at least one name, e.g. 督办助手")),
    WECOM_API_BASE: z.url({ protocol: /^https?$/ }).default("https://qyapi.weixin.qq.com"),
    WECOM_WS_URL: z.url({ protocol: /^wss?$/ }).default("wss://openws.work.weixin.qq.com"),
    // Replay window for signed callback timestamps (R05); WeCom publishes none, Slack and Stripe use 300 s.
    WECOM_TIMESTAMP_WINDOW_SECONDS: z.coerce.number().int().min(30).max(7200).default(300),
    // DingTalk (钉钉) enterprise internal app robot (issue 15, dingtalk.md): HTTP receive or Stream (Node only).
    DINGTALK_MODE: z.enum(["off", "http", "stream"]).default("off"),
    DINGTALK_APP_KEY: z.string().min(1).optional(),
    DINGTALK_APP_SECRET: z.string().min(1).optional(),
    DINGTALK_ROBOT_CODE: z.string().min(1).optional(),
    // One base for OpenAPI and the legacy oapi paths, so a private deployment or a loopback stand-in replaces both.
    DINGTALK_API_BASE: z.url({ protocol: /^https?$/ }).default("https://api.dingtalk.com"),
    SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    // Administrators confirm sign-in with an authenticator code (R30); on by default outside local mode.
    ADMIN_MFA: bool.optional(),
    SIMULATOR: bool.optional(),
    DEMO_SEED: bool.optional(),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    // Chromium for the PDF dossier (issue 14); unset: /usr/bin/chromium and the usual places are tried.
    CHROMIUM_PATH: z.string().min(1).refine((p) => p.startsWith("/"), "must be an absolute path").optional(),
    // R40(b): "cn" keeps the database on this host (file:) or on an approved mainland host; default "cn" outside local
    // mode. Checked when a runtime starts (assertResidency), not here, so parsing stays about the values themselves.
    DATA_RESIDENCY: z.enum(["cn", "off"]).optional(),
    APPROVED_DB_HOSTS: hostSuffixes,
    // R40(c): complainant details are de-identified this many days after a case is closed or cancelled.
    COMPLAINANT_RETENTION_DAYS: z.coerce.number().int().min(30).max(3650).default(365),
  })
  .superRefine((c, ctx) => {
    const need = (key: keyof typeof c, why: string) => {
      if (!c[key]) ctx.addIssue({ code: "custom", path: [key], message: `is required ${why}` });
    };
    if (c.WECOM_MODE === "callback") {
      need("WECOM_TOKEN", "when WECOM_MODE=callback (the Token from the bot's API settings)");
      need("WECOM_ENCODING_AES_KEY", "when WECOM_MODE=callback (the EncodingAESKey from the bot's API settings)");
    }
    if (c.WECOM_MODE === "longconn") {
      need("WECOM_BOT_ID", "when WECOM_MODE=longconn (the BotID from the bot's API settings)");
      need("WECOM_BOT_SECRET", "when WECOM_MODE=longconn (the Secret from the bot's API settings)");
    }
    if (c.DINGTALK_MODE !== "off") {
      const mode = `DINGTALK_MODE=${c.DINGTALK_MODE}`;
      need("DINGTALK_APP_KEY", `when ${mode} (the AppKey / Client ID of the DingTalk app: 开发者后台 → 应用 → 凭证与基础信息)`);
      need("DINGTALK_APP_SECRET", `when ${mode} (the AppSecret / Client Secret of the DingTalk app)`);
      need("DINGTALK_ROBOT_CODE", `when ${mode} (the app robot's RobotCode: 应用 → 机器人 → 机器人配置; often equal to the AppKey)`);
    }
    const channelOn = c.WECOM_MODE !== "off" || c.DINGTALK_MODE !== "off";
    if (channelOn) need("SESSION_SECRET", "outside local mode (a random string of 32+ characters)");
    // The simulator has no accounts: whoever reaches /sim speaks as anyone, so it never runs beside a real channel.
    if (channelOn && c.SIMULATOR === true) {
      ctx.addIssue({
        code: "custom",
        path: ["SIMULATOR"],
        params: { verbatim: true },
        message: `SIMULATOR=true 只能用于本地模式（WECOM_MODE=off）：模拟群聊没有账号，任何能访问它的人都可以冒充任一人员。请删除 SIMULATOR 或设为 false。 / SIMULATOR=true is only allowed in local mode (WECOM_MODE=off): the chat simulator has no accounts, so anyone who reaches it can act as any person. Remove SIMULATOR or set it to false.`,
      });
    }
    if (!channelOn) {
      const problem = localListenProblem({ host: c.HOST, simulator: c.SIMULATOR ?? true, adminMfa: c.ADMIN_MFA ?? false });
      if (problem) ctx.addIssue({ code: "custom", path: ["HOST"], params: { verbatim: true }, message: problem });
    }
  });

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 (also as ::ffff:127.x.x.x) and localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
  if (h === "localhost") return true;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) return v4[1] === "127" && v4.slice(2).every((o) => Number(o) <= 255);
  return h === "::1" || /^(?:0{1,4}:){7}0{0,3}1$/.test(h);
}

/**
 * Local mode is for one machine: the simulator lets anyone speak as any person (and so obtain an administrator's
 * login link with 登录), and without ADMIN_MFA that link alone signs in. On a non-loopback HOST both would be open to
 * the network (issue 16), so the start stops and says what to set. Undefined when the combination is safe.
 */
export function localListenProblem(c: { host: string; simulator: boolean; adminMfa: boolean }): string | undefined {
  if (isLoopbackHost(c.host) || (!c.simulator && c.adminMfa)) return undefined;
  const open = [c.simulator ? "模拟群聊" : "", !c.adminMfa ? "免密登录链接（ADMIN_MFA 关闭）" : ""].filter(Boolean).join("和");
  const openEn = [c.simulator ? "the chat simulator" : "", !c.adminMfa ? "login links without a second factor (ADMIN_MFA off)" : ""].filter(Boolean).join(" and ");
  const set = [c.simulator ? "SIMULATOR=false" : "", !c.adminMfa ? "ADMIN_MFA=true" : ""].filter(Boolean).join(" ");
  return (
    `HOST=${c.host} 在本地模式（WECOM_MODE=off）下不允许：${open}会对网络开放，任何能访问本机的人都可以冒充人员并取得管理员登录链接。` +
    `请设置 HOST=127.0.0.1（仅本机访问），或设置 ${set}，或改用 WECOM_MODE=callback/longconn。` +
    ` / HOST=${c.host} is not allowed in local mode (WECOM_MODE=off): ${openEn} would be open to the network, and anyone who reaches this machine could act as any person and obtain an administrator's login link.` +
    ` Set HOST=127.0.0.1 (this machine only), or set ${set}, or use WECOM_MODE=callback or longconn.`
  );
}

export type Config = {
  port: number;
  host: string;
  databaseUrl: string;
  databaseAuthToken?: string;
  filesDir: string;
  publicBaseUrl: string;
  timezone: string;
  /** Local mode: no WeCom channel; the simulator stands in for it. */
  local: boolean;
  simulator: boolean;
  demoSeed: boolean;
  wecom: {
    mode: "off" | "callback" | "longconn";
    token?: string;
    encodingAesKey?: string;
    botId?: string;
    botSecret?: string;
    apiBase: string;
    wsUrl: string;
    /** Callbacks whose signed timestamp is further than this from our clock are refused (R05). */
    timestampWindowSeconds: number;
  };
  /** DingTalk channel (issue 15); `off` unless DINGTALK_MODE is set. The secret is never logged or shown. */
  dingtalk: {
    mode: "off" | "http" | "stream";
    appKey?: string;
    appSecret?: string;
    robotCode?: string;
    /** OpenAPI base (default https://api.dingtalk.com); legacy oapi paths go through it too when it is set. */
    apiBase: string;
    /** True when DINGTALK_API_BASE was set: the legacy oapi paths are then served by it as well. */
    apiBaseSet: boolean;
  };
  /** The bot's names as members see them; mentions of them are dropped wherever they stand in a message. */
  botNames: string[];
  sessionSecret: string;
  /** Administrators must add a TOTP code to their password or login link (R30). */
  adminMfa: boolean;
  logLevel: "debug" | "info" | "warn" | "error";
  /** Chromium for PDF dossiers on Node; absent: auto-detect (src/web/pdf/chromium.ts). */
  chromiumPath?: string;
  /**
   * Where the data may live (R40(b), PIPL Art. 36). "cn": DATABASE_URL must be a file: path or a host matching
   * `approvedDbHosts`, else the start fails (assertResidency). "off": no check (local mode, or the client's sign-off).
   */
  dataResidency: "cn" | "off";
  /** Host suffixes (lower case, no leading dot) a residency-bound database may live on. */
  approvedDbHosts: string[];
  /** Days after closure (or cancellation) at which the complainant's details are de-identified (R40(c)). */
  complainantRetentionDays: number;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

// Local mode may run without SESSION_SECRET; this value never protects real accounts
// because callback/longconn modes refuse to start without their own secret.
const LOCAL_SESSION_SECRET = "duban-local-mode-session-secret-not-for-production";

/** Parse settings from an env-like record; throws ConfigError naming every bad setting. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const raw = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        if ((i as { params?: { verbatim?: boolean } }).params?.verbatim) return i.message; // names its own setting
        const key = String(i.path[0] ?? "config");
        const shown = key in raw && !/SECRET|TOKEN|AES_KEY/.test(key) ? ` (got "${raw[key]}")` : "";
        return `${key} ${i.message}${shown}`;
      }),
    );
  }
  const c = result.data;
  // Local mode: no real chat channel at all; either channel being on ends it (its secrets, MFA, residency apply).
  const local = c.WECOM_MODE === "off" && c.DINGTALK_MODE === "off";
  return {
    port: c.PORT,
    host: c.HOST,
    databaseUrl: c.DATABASE_URL,
    databaseAuthToken: c.DATABASE_AUTH_TOKEN,
    filesDir: c.FILES_DIR,
    publicBaseUrl: (c.PUBLIC_BASE_URL ?? `http://localhost:${c.PORT}`).replace(/\/$/, ""),
    timezone: c.BUSINESS_TIMEZONE,
    local,
    simulator: c.SIMULATOR ?? local,
    demoSeed: c.DEMO_SEED ?? local,
    wecom: {
      mode: c.WECOM_MODE,
      token: c.WECOM_TOKEN,
      encodingAesKey: c.WECOM_ENCODING_AES_KEY,
      botId: c.WECOM_BOT_ID,
      botSecret: c.WECOM_BOT_SECRET,
      apiBase: c.WECOM_API_BASE.replace(/\/$/, ""),
      wsUrl: c.WECOM_WS_URL,
      timestampWindowSeconds: c.WECOM_TIMESTAMP_WINDOW_SECONDS,
    },
    dingtalk: {
      mode: c.DINGTALK_MODE,
      appKey: c.DINGTALK_APP_KEY,
      appSecret: c.DINGTALK_APP_SECRET,
      robotCode: c.DINGTALK_ROBOT_CODE,
      apiBase: c.DINGTALK_API_BASE.replace(/\/$/, ""),
      apiBaseSet: raw.DINGTALK_API_BASE !== undefined,
    },
    botNames: c.BOT_NAMES,
    sessionSecret: c.SESSION_SECRET ?? LOCAL_SESSION_SECRET,
    adminMfa: c.ADMIN_MFA ?? !local,
    logLevel: c.LOG_LEVEL,
    chromiumPath: c.CHROMIUM_PATH,
    dataResidency: c.DATA_RESIDENCY ?? (local ? "off" : "cn"),
    approvedDbHosts: c.APPROVED_DB_HOSTS,
    complainantRetentionDays: c.COMPLAINANT_RETENTION_DAYS,
  };
}

/** True when `host` is `suffix` itself or a subdomain of it ("db.gov.cn" matches "gov.cn"; "evilgov.cn" does not). */
export function hostMatches(host: string, suffix: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return h === suffix || h.endsWith(`.${suffix}`);
}

/**
 * The residency rule (R40(b)) as a list of problems, empty when the deployment may start. `d1`: the Workers build
 * keeps its data in a D1 binding, which Cloudflare stores outside the mainland, so it can never satisfy "cn".
 */
export function residencyProblems(config: Pick<Config, "dataResidency" | "approvedDbHosts" | "databaseUrl">, opts: { d1?: boolean } = {}): string[] {
  if (config.dataResidency !== "cn") return [];
  if (opts.d1) {
    return [
      "DATA_RESIDENCY is cn, but a D1 binding stores the data in Cloudflare, outside the mainland: run the Node build on the office's host, point DATABASE_URL at a host listed in APPROVED_DB_HOSTS instead of binding DB, or set DATA_RESIDENCY=off only with the client's sign-off",
    ];
  }
  const url = new URL(config.databaseUrl); // parseConfig has checked it
  if (url.protocol === "file:") return [];
  const host = url.hostname;
  if (config.approvedDbHosts.some((s) => hostMatches(host, s))) return [];
  const list = config.approvedDbHosts.length ? `APPROVED_DB_HOSTS (${config.approvedDbHosts.join(", ")})` : "APPROVED_DB_HOSTS (empty)";
  return [
    `DATABASE_URL host "${host}" is not on ${list} while DATA_RESIDENCY is cn: complainant data must stay on this host (a file: URL) or on an approved mainland host; add the host to APPROVED_DB_HOSTS, or set DATA_RESIDENCY=off only with the client's sign-off`,
  ];
}

/** Stop the start when the data would live outside the approved places (R40(b)); throws ConfigError. */
export function assertResidency(config: Pick<Config, "dataResidency" | "approvedDbHosts" | "databaseUrl">, opts: { d1?: boolean } = {}): void {
  const problems = residencyProblems(config, opts);
  if (problems.length) throw new ConfigError(problems);
}
