DROP INDEX `attachments_ph0_idx`;--> statement-breakpoint
DROP INDEX `attachments_ph1_idx`;--> statement-breakpoint
DROP INDEX `attachments_ph2_idx`;--> statement-breakpoint
DROP INDEX `attachments_ph3_idx`;--> statement-breakpoint
CREATE INDEX `attachments_ph0_cover_idx` ON `attachments` (`ph0`,`ph1`,`ph2`,`ph3`);--> statement-breakpoint
CREATE INDEX `attachments_ph1_cover_idx` ON `attachments` (`ph1`,`ph0`,`ph2`,`ph3`);--> statement-breakpoint
CREATE INDEX `attachments_ph2_cover_idx` ON `attachments` (`ph2`,`ph0`,`ph1`,`ph3`);--> statement-breakpoint
CREATE INDEX `attachments_ph3_cover_idx` ON `attachments` (`ph3`,`ph0`,`ph1`,`ph2`);