DROP INDEX `cases_open_group_idx`;--> statement-breakpoint
DROP INDEX `cases_open_unit_idx`;--> statement-breakpoint
CREATE INDEX `cases_open_group_idx` ON `cases` (`lead_unit_id`,`source`,`batch_id`,`due_at`,`state`) WHERE state in ('pending_ack','in_progress','returned');--> statement-breakpoint
CREATE INDEX `cases_open_unit_idx` ON `cases` (`lead_unit_id`,`flagged`,`due_at`,`state`) WHERE state in ('pending_ack','in_progress','pending_review','returned');