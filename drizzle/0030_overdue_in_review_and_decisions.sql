DROP INDEX `cases_open_group_idx`;--> statement-breakpoint
DROP INDEX `cases_open_due_idx`;--> statement-breakpoint
CREATE INDEX `cases_review_idx` ON `cases` (`submitted_at`) WHERE state = 'pending_review';--> statement-breakpoint
CREATE INDEX `cases_ext_request_idx` ON `cases` (`ext_requested_at`) WHERE ext_requested_at is not null;--> statement-breakpoint
CREATE INDEX `cases_open_group_idx` ON `cases` (`lead_unit_id`,`source`,`batch_id`,`due_at`,`state`) WHERE state in ('pending_ack','in_progress','pending_review','returned');--> statement-breakpoint
CREATE INDEX `cases_open_due_idx` ON `cases` (`due_at`,`lead_unit_id`,`source`,`batch_id`) WHERE state in ('pending_ack','in_progress','pending_review','returned');