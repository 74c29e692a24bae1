CREATE TABLE `audit_chain` (
	`id` integer PRIMARY KEY NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	`sealed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER `audit_chain_no_update` BEFORE UPDATE ON `audit_chain` BEGIN SELECT RAISE(ABORT, 'audit_chain is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `audit_chain_no_delete` BEFORE DELETE ON `audit_chain` BEGIN SELECT RAISE(ABORT, 'audit_chain is append-only'); END;
