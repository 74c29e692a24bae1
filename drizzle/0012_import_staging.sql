CREATE TABLE `import_previews` (
	`id` text PRIMARY KEY NOT NULL,
	`actor` text NOT NULL,
	`source` text NOT NULL,
	`file_name` text NOT NULL,
	`file_sha256` text NOT NULL,
	`table_sha256` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `import_previews_created_idx` ON `import_previews` (`created_at`);--> statement-breakpoint
CREATE TABLE `import_staging` (
	`import_id` text NOT NULL,
	`seq` integer NOT NULL,
	`write_token` text NOT NULL,
	`batch_name` text,
	`row` text NOT NULL,
	`event` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`import_id`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `import_staging_created_idx` ON `import_staging` (`created_at`);