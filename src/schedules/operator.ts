/** Operator views behind `duban tick` and `duban digest --preview`: plain text for a terminal. */
import type { Deps } from "../deps.js";
import { loadPolicy } from "../db/policy.js";
import { localDate, localParts } from "../domain/calendar.js";
import { morningOf, prevWorkingDay } from "./business-time.js";
import type { Block } from "../domain/message.js";
import { targetOf } from "../domain/targets.js";
import { commandDigest, loadDigest, unitDigest } from "./digest.js";
import { loadRouting, memoWorkdays } from "./items.js";
import { runDue, type RunResult } from "./run-due.js";

type OpDeps = Pick<Deps, "db" | "clock" | "log" | "calendar" | "config" | "deliver">;

/** An ISO 8601 instant with its zone ("Z" or "+08:00"): a bare local time would depend on the machine. */
export function parseInstant(s: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
}

function local(at: number, tz: string): string {
  const p = localParts(at, tz);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)} ${tz}`;
}

export function describeRun(r: RunResult, tz: string): string {
  const head = `tick ${new Date(r.at).toISOString()} = ${local(r.at, tz)}`;
  if (r.status === "busy") return `${head}: another run holds the schedules lease; nothing done.`;
  if (r.status === "conflict") return `${head}: lost a race with another run (slot already taken); nothing written.`;
  const kind = r.morning ? `morning run${r.late ? ` (late: due ${r.late}, messages say 补发)` : ""}` : "urgent-only run";
  const out = [`${head}: ${kind}`, `queued ${r.queued.length} message(s); ${r.processed} reminder(s) processed, ${r.pending} left for the next run`];
  for (const q of r.queued) out.push(`  ${q.chatId}  ${q.bytes} B  ${q.mentions.map((m) => `@${m}`).join(" ") || "(no @)"}  ${q.head}`);
  if (r.skippedDays.length) out.push(`recorded as skipped (missed mornings): ${r.skippedDays.join(", ")}`);
  return out.join("\n");
}

/** `duban tick`: run what is due at `at` and say what was queued (the running server's relay sends it). */
export async function tick(deps: OpDeps, at: number): Promise<string> {
  return describeRun(await runDue(deps, at), deps.config.timezone);
}

/** `duban digest --preview`: the digest a group would get at `at`, computed but neither queued nor recorded. */
export async function previewDigest(deps: OpDeps, at: number, chatId?: string): Promise<{ text: string } | { error: string }> {
  const [policy, cal, route] = await Promise.all([loadPolicy(deps.db), deps.calendar(), loadRouting(deps.db)]);
  const chat = chatId ? route.chats.find((c) => c.chatId === chatId) : route.chats.find((c) => c.purpose === "command");
  if (!chat) return { error: chatId ? `no command or unit group with chat id ${chatId}` : "no command group is registered" };
  if (chat.purpose === "accountability") return { error: `${chat.chatId} is the accountability group; it receives escalations, not the digest` };
  const since = morningOf(prevWorkingDay(cal, localDate(at, cal.timeZone)), cal.timeZone, policy);
  const d = await loadDigest(deps.db, cal, at, since, memoWorkdays(cal), policy.listLinesPerSection, { policy, dashboardUrl: deps.config.publicBaseUrl });
  const unit = chat.purpose === "unit" ? chat.unitId : null;
  if (unit !== null && !d.stats.some((s) => s.unitId === unit)) return { text: `（${route.unitName(unit)}暂无案件，不发送每日通报）` };
  const blocks: Block[] = unit === null ? commandDigest(d, { lines: policy.listLinesPerSection }) : unitDigest(d, unit, {})!;
  // Rendered by the group's own channel, as the group would receive it (split where the channel would split).
  const chunks = await deps.deliver.render({ id: 0, channel: "group", target: targetOf(chat), payload: { message: { blocks } } });
  const text = chunks.map((c) => String(c.markdown ?? c.text ?? c.content ?? JSON.stringify(c)));
  return { text: text.join("\n\n----- (next message) -----\n\n") };
}
