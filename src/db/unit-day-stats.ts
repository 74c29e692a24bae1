/**
 * Aggregates of the case table that the digest, reports, rankings and dashboard read instead of the cases
 * themselves (issue 12): two small tables kept exact by SQL triggers on `cases` (INSERT / UPDATE of the
 * columns below / DELETE — so every writer, including bulk loads by SQL, is caught on libSQL and D1 alike),
 * and rebuilt from the cases by `rebuildUnitDayStats` (`duban reindex`).
 *
 * Both count only cases that are not cancelled. `unit_id` 0 stands for "no lead unit" (ids start at 1).
 *
 * case_totals — the current figures, one row per (lead unit, source, batch); a few thousand rows at most:
 *   unit_id INTEGER, source TEXT, batch_id INTEGER (0 = no batch)   -- primary key
 *   total           cases
 *   closed          state = 'closed' (已办结 incl. 阶段性)
 *   staged          state = 'closed' and outcome = 'staged'
 *   open            state in (pending_ack, in_progress, pending_review, returned)
 *   closed_on_time  state = 'closed' and (due_at is null or closed_at <= due_at)
 *   rebounds        sum of rebound_count
 *   Overdue depends on the clock, so it is not stored: count open cases with `due_at < now` through the
 *   partial index cases_open_due_idx (only open rows), see `overdueByUnit` below.
 *
 * unit_day_stats — per lead unit and business day, what today's case rows say happened on that day:
 *   unit_id INTEGER, day TEXT 'YYYY-MM-DD'                          -- primary key
 *   received        cases created that day (day of created_at)
 *   closed          cases now closed whose closed_at falls on that day
 *   staged          … of which 阶段性办结
 *   closed_on_time  … of which closed by their deadline
 *   due_open        cases now open (pending_ack, in_progress, returned) whose due_at falls on that day
 *   `day` is the date in UTC+8 (China Standard Time, the product's BUSINESS_TIMEZONE); a row is a pure function
 *   of the current case rows (not a log of transitions), so a rebuild gives exactly what the triggers keep.
 *   Windows (a week, 8 weeks of history) read at most units × days rows and never the case table.
 */
export {};
