CREATE TABLE `case_totals` (
	`unit_id` integer NOT NULL,
	`source` text NOT NULL,
	`batch_id` integer NOT NULL,
	`total` integer DEFAULT 0 NOT NULL,
	`closed` integer DEFAULT 0 NOT NULL,
	`staged` integer DEFAULT 0 NOT NULL,
	`open` integer DEFAULT 0 NOT NULL,
	`closed_on_time` integer DEFAULT 0 NOT NULL,
	`rebounds` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`unit_id`, `source`, `batch_id`)
);
--> statement-breakpoint
CREATE TABLE `unit_day_stats` (
	`unit_id` integer NOT NULL,
	`day` text NOT NULL,
	`received` integer DEFAULT 0 NOT NULL,
	`closed` integer DEFAULT 0 NOT NULL,
	`staged` integer DEFAULT 0 NOT NULL,
	`closed_on_time` integer DEFAULT 0 NOT NULL,
	`due_open` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`unit_id`, `day`)
);
--> statement-breakpoint
CREATE INDEX `unit_day_stats_day_idx` ON `unit_day_stats` (`day`);--> statement-breakpoint
CREATE INDEX `case_events_kind_at_idx` ON `case_events` (`kind`,`at`);--> statement-breakpoint
CREATE INDEX `cases_open_due_idx` ON `cases` (`due_at`,`lead_unit_id`,`source`,`batch_id`) WHERE state in ('pending_ack','in_progress','returned');--> statement-breakpoint
CREATE INDEX `cases_milestone_idx` ON `cases` (`milestone_at`) WHERE milestone_at is not null;