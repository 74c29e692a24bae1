CREATE TABLE `case_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` integer NOT NULL,
	`other_id` integer NOT NULL,
	`kind` text NOT NULL,
	`by` text NOT NULL,
	`at` integer NOT NULL,
	`prior_state` text,
	`reopened` integer DEFAULT false NOT NULL,
	`undone_at` integer,
	`undone_by` text,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`other_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_links_case_idx` ON `case_links` (`case_id`,`kind`);--> statement-breakpoint
CREATE INDEX `case_links_other_idx` ON `case_links` (`other_id`,`kind`);--> statement-breakpoint
CREATE UNIQUE INDEX `case_links_one_merge` ON `case_links` (`case_id`) WHERE kind = 'merged' and undone_at is null;