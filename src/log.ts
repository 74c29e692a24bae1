/**
 * A tiny structured logger. Before anything is written, every field at any depth is cleaned: credentials are
 * redacted by key name and inside URLs, personal data in text is masked (R39), and Error objects are spelled
 * out (name, message, stack, cause) instead of JSON's `{}`.
 */
import { maskPii } from "./domain/pii.js";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type Logger = Record<LogLevel, (msg: string, fields?: Record<string, unknown>) => void>;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
// Field names that may carry a credential; ids such as idempotencyKey or storageKey stay readable.
const SECRET_KEY = /secret|token|password|aes|cookie|authorization|webhook|response_?url|^key$|robot_?key|api_?key/i;

// Error texts can quote a URL (a robot webhook, a response_url) or a header; their credentials never reach the log.
const SECRET_IN_URL = /([?&](?:key|access_token|response_code|code|token|secret)=)[^&\s"']+/gi;
const BEARER = /(\bBearer\s+)[^\s"',;]+/gi;
// A nesting deeper than this is cut: a log line is not a dump, and a hostile payload must not overflow the stack.
const MAX_DEPTH = 24;

/** Credentials out, then personal data masked: complaint texts quote phone numbers (R39). */
const text = (s: string): string => maskPii(s.replace(SECRET_IN_URL, "$1[redacted]").replace(BEARER, "$1[redacted]"));

function describeError(e: Error, seen: Set<object>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { name: e.name, message: text(e.message) };
  if (e.stack) out.stack = text(e.stack);
  if (e.cause !== undefined) out.cause = clean(e.cause, seen, depth + 1);
  if (e instanceof AggregateError) out.errors = clean(e.errors, seen, depth + 1);
  // Own fields such as a database error's `code` say what went wrong; they are cleaned like any other field.
  for (const [k, v] of Object.entries(e)) if (!(k in out)) out[k] = SECRET_KEY.test(k) ? "[redacted]" : clean(v, seen, depth + 1);
  return out;
}

/** A JSON-safe copy of `v` with secrets redacted and personal data masked, whatever its shape. */
function clean(v: unknown, seen: Set<object>, depth: number): unknown {
  if (typeof v === "string") return text(v);
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "function" || typeof v === "symbol") return undefined;
  if (v === null || typeof v !== "object") return v;
  if (seen.has(v)) return "[circular]";
  if (depth > MAX_DEPTH) return "[too deep]";
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return `[${v.byteLength} bytes]`; // never dump file contents
  seen.add(v); // ancestors only: a value shared by two branches is printed twice, a loop once
  try {
    if (v instanceof Error) return describeError(v, seen, depth);
    if (Array.isArray(v)) return v.map((x) => clean(x, seen, depth + 1));
    if (v instanceof Map) return clean(Object.fromEntries(v), seen, depth + 1);
    if (v instanceof Set) return clean([...v], seen, depth + 1);
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") return clean(toJSON.call(v), seen, depth + 1); // Date, URL, …
    return redact(v as Record<string, unknown>, seen, depth);
  } finally {
    seen.delete(v);
  }
}

function redact(fields: Record<string, unknown>, seen: Set<object>, depth: number): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, SECRET_KEY.test(k) ? "[redacted]" : clean(v, seen, depth + 1)]));
}

function formatLine(at: Date, level: LogLevel, msg: string, fields?: Record<string, unknown>): string {
  const cleaned = fields ? (clean(fields, new Set(), 0) as Record<string, unknown>) : {};
  return JSON.stringify({ t: at.toISOString(), level, msg: text(msg), ...cleaned });
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => console.log(l)): Logger {
  const make = (lvl: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    // A log line must never take the request down: anything odd in the fields becomes a note instead.
    let line: string;
    try {
      line = formatLine(new Date(), lvl, msg, fields);
    } catch (e) {
      line = JSON.stringify({ t: new Date().toISOString(), level: lvl, msg: text(msg), logError: text(String(e)) });
    }
    write(line);
  };
  return { debug: make("debug"), info: make("info"), warn: make("warn"), error: make("error") };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
