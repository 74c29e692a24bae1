CREATE TABLE `response_url_uses` (
	`url_digest` text PRIMARY KEY NOT NULL,
	`used_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `response_url_uses_at_idx` ON `response_url_uses` (`used_at`);--> statement-breakpoint
CREATE TABLE `wecom_nonces` (
	`nonce` text PRIMARY KEY NOT NULL,
	`digest` text NOT NULL,
	`seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `wecom_nonces_seen_idx` ON `wecom_nonces` (`seen_at`);