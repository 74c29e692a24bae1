/**
 * Scheduled reminders on a case's timeline (issue 10 item 6): one Chinese line per case per business day, kept
 * apart from the handling events so they never crowd 查 #N's 最近动态 or the dossier's main timeline.
 */
export const REMINDER_LABEL: Record<string, string> = {
  overdue: "逾期",
  ack: "待签收",
  due_soon: "临近时限",
  flagged: "挂牌督办",
  patrol: "到期巡查",
  milestone: "阶段性办结节点",
};

/** "系统提醒：逾期、挂牌督办" from the jobs that reminded about the case (codes unknown here are shown as they are). */
export function reminderText(jobs: readonly string[]): string {
  return `系统提醒：${[...new Set(jobs)].map((j) => REMINDER_LABEL[j] ?? j).join("、")}`;
}

/** The jobs of a stored reminder event: new events keep `jobs`, older ones one `job` (their text was the code). */
export function reminderJobs(e: { text: string | null; data: unknown }): string[] {
  const d = (e.data ?? {}) as { jobs?: unknown; job?: unknown };
  if (Array.isArray(d.jobs)) return d.jobs.map(String);
  if (typeof d.job === "string") return [d.job];
  return e.text ? [e.text] : [];
}
