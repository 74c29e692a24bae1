/** A tiny structured logger; secrets are redacted by key name before anything is written. */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type Logger = Record<LogLevel, (msg: string, fields?: Record<string, unknown>) => void>;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
// Field names that may carry a credential; ids such as idempotencyKey or storageKey stay readable.
const SECRET_KEY = /secret|token|password|aes|cookie|authorization|webhook|response_?url|^key$|robot_?key|api_?key/i;

// Error texts can quote a URL (a robot webhook, a response_url); their credentials never reach the log.
const SECRET_IN_URL = /([?&](?:key|access_token|response_code|code)=)[^&\s"']+/gi;
const scrub = (v: unknown) => (typeof v === "string" ? v.replace(SECRET_IN_URL, "$1[redacted]") : v);

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, SECRET_KEY.test(k) ? "[redacted]" : scrub(v)]));
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => console.log(l)): Logger {
  const make = (lvl: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    write(JSON.stringify({ t: new Date().toISOString(), level: lvl, msg: scrub(msg), ...(fields ? redact(fields) : {}) }));
  };
  return { debug: make("debug"), info: make("info"), warn: make("warn"), error: make("error") };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
