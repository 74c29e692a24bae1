CREATE INDEX `cases_ledger_idx` ON `cases` (`flagged`,`id`);--> statement-breakpoint
CREATE INDEX `cases_ledger_unit_idx` ON `cases` (`lead_unit_id`,`flagged`,`id`);