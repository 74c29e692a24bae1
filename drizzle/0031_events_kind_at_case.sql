DROP INDEX `case_events_kind_at_idx`;--> statement-breakpoint
CREATE INDEX `case_events_kind_at_idx` ON `case_events` (`kind`,`at`,`case_id`);