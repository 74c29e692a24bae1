CREATE TABLE `mfa_challenges` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`person_id` integer NOT NULL,
	`via` text NOT NULL,
	`pending_secret` text,
	`next` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`session_id` text,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `mfa_challenges_person_idx` ON `mfa_challenges` (`person_id`);--> statement-breakpoint
ALTER TABLE `people` ADD `totp_secret` text;--> statement-breakpoint
ALTER TABLE `people` ADD `totp_last_step` integer;