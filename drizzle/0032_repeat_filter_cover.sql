DROP INDEX `cases_repeat_idx`;--> statement-breakpoint
CREATE INDEX `cases_repeat_idx` ON `cases` (`flagged`,`id`,`state`,`merged_count`,`rebound_count`) WHERE merged_count > 0 or rebound_count > 0;