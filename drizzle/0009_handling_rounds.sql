CREATE TABLE `case_rounds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` integer NOT NULL,
	`round` integer NOT NULL,
	`reason` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer NOT NULL,
	`unit_id` integer,
	`items` text NOT NULL,
	`cleared` text NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `case_rounds_case_round_idx` ON `case_rounds` (`case_id`,`round`);--> statement-breakpoint
ALTER TABLE `attachments` ADD `round` integer;--> statement-breakpoint
ALTER TABLE `cases` ADD `round` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `cases` ADD `round_reason` text DEFAULT 'dispatch' NOT NULL;--> statement-breakpoint
ALTER TABLE `cases` ADD `round_started_at` integer;--> statement-breakpoint
-- Hand-written: existing cases are in round 1 (column defaults); their attachments were attached in round 1.
UPDATE `attachments` SET `round` = 1 WHERE `case_id` IS NOT NULL AND `round` IS NULL;--> statement-breakpoint
-- An attachment takes the case's current round when it is attached or bound (a pending photo bound later),
-- whatever code path wrote it; an explicit round is kept.
CREATE TRIGGER `attachments_round_on_insert` AFTER INSERT ON `attachments` WHEN NEW.`round` IS NULL AND NEW.`case_id` IS NOT NULL BEGIN UPDATE `attachments` SET `round` = (SELECT `round` FROM `cases` WHERE `id` = NEW.`case_id`) WHERE `id` = NEW.`id`; END;--> statement-breakpoint
CREATE TRIGGER `attachments_round_on_bind` AFTER UPDATE OF `case_id` ON `attachments` WHEN NEW.`round` IS NULL AND NEW.`case_id` IS NOT NULL BEGIN UPDATE `attachments` SET `round` = (SELECT `round` FROM `cases` WHERE `id` = NEW.`case_id`) WHERE `id` = NEW.`id`; END;--> statement-breakpoint
-- Ended rounds are history, like the timeline: refuse UPDATE and DELETE.
CREATE TRIGGER `case_rounds_no_update` BEFORE UPDATE ON `case_rounds` BEGIN SELECT RAISE(ABORT, 'case_rounds is append-only'); END;--> statement-breakpoint
CREATE TRIGGER `case_rounds_no_delete` BEFORE DELETE ON `case_rounds` BEGIN SELECT RAISE(ABORT, 'case_rounds is append-only'); END;
