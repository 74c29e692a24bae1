CREATE TABLE `role_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_id` integer NOT NULL,
	`roles_before` text NOT NULL,
	`roles_after` text NOT NULL,
	`proposed_by` text NOT NULL,
	`proposed_at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `role_changes_person_idx` ON `role_changes` (`person_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `role_changes_one_pending` ON `role_changes` (`person_id`) WHERE status = 'pending';--> statement-breakpoint
ALTER TABLE `login_links` ADD `purpose` text DEFAULT 'login' NOT NULL;