DROP INDEX `cases_review_idx`;--> statement-breakpoint
DROP INDEX `cases_ext_request_idx`;--> statement-breakpoint
CREATE INDEX `cases_review_idx` ON `cases` (`submitted_at`,`due_at`) WHERE state = 'pending_review';--> statement-breakpoint
CREATE INDEX `cases_ext_request_idx` ON `cases` (`ext_requested_at`,`due_at`) WHERE ext_requested_at is not null and state = 'in_progress';