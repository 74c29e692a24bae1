CREATE INDEX `cases_prio_state_due_idx` ON `cases` (`priority`,`state`,`due_at`);--> statement-breakpoint
CREATE INDEX `cases_prio_state_ack_idx` ON `cases` (`priority`,`state`,`ack_by`);