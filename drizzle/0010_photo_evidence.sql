ALTER TABLE `attachments` ADD `photo_check` text;--> statement-breakpoint
ALTER TABLE `attachments` ADD `phash` text;--> statement-breakpoint
ALTER TABLE `attachments` ADD `ph0` integer;--> statement-breakpoint
ALTER TABLE `attachments` ADD `ph1` integer;--> statement-breakpoint
ALTER TABLE `attachments` ADD `ph2` integer;--> statement-breakpoint
ALTER TABLE `attachments` ADD `ph3` integer;--> statement-breakpoint
ALTER TABLE `attachments` ADD `taken_at` integer;--> statement-breakpoint
ALTER TABLE `attachments` ADD `gps_lat` real;--> statement-breakpoint
ALTER TABLE `attachments` ADD `gps_lon` real;--> statement-breakpoint
CREATE INDEX `attachments_sha_idx` ON `attachments` (`sha256`);--> statement-breakpoint
CREATE INDEX `attachments_ph0_idx` ON `attachments` (`ph0`);--> statement-breakpoint
CREATE INDEX `attachments_ph1_idx` ON `attachments` (`ph1`);--> statement-breakpoint
CREATE INDEX `attachments_ph2_idx` ON `attachments` (`ph2`);--> statement-breakpoint
CREATE INDEX `attachments_ph3_idx` ON `attachments` (`ph3`);