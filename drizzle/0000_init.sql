CREATE TABLE `attachments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` integer,
	`event_id` integer,
	`kind` text NOT NULL,
	`mime` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`storage_key` text NOT NULL,
	`file_name` text,
	`phase` text,
	`uploader_user_id` text NOT NULL,
	`chat_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`event_id`) REFERENCES `case_events`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `attachments_storage_key_unique` ON `attachments` (`storage_key`);--> statement-breakpoint
CREATE INDEX `attachments_case_idx` ON `attachments` (`case_id`);--> statement-breakpoint
CREATE INDEX `attachments_pending_idx` ON `attachments` (`chat_id`,`uploader_user_id`,`case_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`object` text,
	`result` text NOT NULL,
	`source` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE INDEX `audit_object_idx` ON `audit_log` (`object`);--> statement-breakpoint
CREATE TABLE `batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`source` text NOT NULL,
	`received_on` text NOT NULL,
	`demo` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `batches_name_unique` ON `batches` (`name`);--> statement-breakpoint
CREATE TABLE `calendar_days` (
	`date` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text,
	`source` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `case_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` integer NOT NULL,
	`at` integer NOT NULL,
	`actor_user_id` text NOT NULL,
	`kind` text NOT NULL,
	`text` text,
	`data` text,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_events_case_idx` ON `case_events` (`case_id`,`at`);--> statement-breakpoint
CREATE TABLE `cases` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`external_no` text,
	`source` text NOT NULL,
	`batch_id` integer,
	`title` text NOT NULL,
	`content` text NOT NULL,
	`address` text,
	`area` text,
	`pollution_types` text DEFAULT '[]' NOT NULL,
	`categories` text DEFAULT '[]' NOT NULL,
	`complainant` text,
	`lead_unit_id` integer,
	`co_unit_ids` text DEFAULT '[]' NOT NULL,
	`officer_user_id` text,
	`leader_user_id` text,
	`priority` text DEFAULT 'normal' NOT NULL,
	`flagged` integer DEFAULT false NOT NULL,
	`state` text DEFAULT 'pending_ack' NOT NULL,
	`ack_by` integer,
	`due_at` integer,
	`acknowledged_at` integer,
	`acknowledged_by` text,
	`return_count` integer DEFAULT 0 NOT NULL,
	`designated` integer DEFAULT false NOT NULL,
	`ext_requested_due` integer,
	`ext_reason` text,
	`ext_requested_by` text,
	`ext_requested_at` integer,
	`finding` text,
	`verdict` text,
	`rectification` text,
	`handling_class` text,
	`accountable_party` text,
	`accountability_action` text,
	`penalty_amount` integer,
	`callback_result` text,
	`callback_note` text,
	`outcome` text,
	`milestone_at` integer,
	`submitted_at` integer,
	`closed_at` integer,
	`rebound_count` integer DEFAULT 0 NOT NULL,
	`last_chased_at` integer,
	`cancel_reason` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`write_token` text NOT NULL,
	`demo` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lead_unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cases_external_no_unique` ON `cases` (`external_no`);--> statement-breakpoint
CREATE INDEX `cases_state_due_idx` ON `cases` (`state`,`due_at`);--> statement-breakpoint
CREATE INDEX `cases_state_ack_idx` ON `cases` (`state`,`ack_by`);--> statement-breakpoint
CREATE INDEX `cases_lead_state_idx` ON `cases` (`lead_unit_id`,`state`);--> statement-breakpoint
CREATE INDEX `cases_batch_idx` ON `cases` (`batch_id`);--> statement-breakpoint
CREATE INDEX `cases_source_idx` ON `cases` (`source`);--> statement-breakpoint
CREATE INDEX `cases_flagged_idx` ON `cases` (`flagged`,`state`);--> statement-breakpoint
CREATE INDEX `cases_closed_idx` ON `cases` (`state`,`closed_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `cases_write_token_idx` ON `cases` (`write_token`);--> statement-breakpoint
CREATE TABLE `chat_context` (
	`chat_id` text NOT NULL,
	`user_id` text NOT NULL,
	`case_id` integer NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`chat_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`chat_id` text NOT NULL,
	`name` text NOT NULL,
	`purpose` text NOT NULL,
	`unit_id` integer,
	`robot_key` text,
	`demo` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `groups_chat_id_unique` ON `groups` (`chat_id`);--> statement-breakpoint
CREATE TABLE `inbox` (
	`key` text PRIMARY KEY NOT NULL,
	`received_at` integer NOT NULL,
	`replies` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `inbox_received_idx` ON `inbox` (`received_at`);--> statement-breakpoint
CREATE TABLE `leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL,
	`watermark` integer
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`idempotency_key` text NOT NULL,
	`channel` text NOT NULL,
	`target` text NOT NULL,
	`payload` text NOT NULL,
	`case_id` integer,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_idempotency_key_unique` ON `outbox` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `outbox_due_idx` ON `outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_target_idx` ON `outbox` (`target`,`created_at`);--> statement-breakpoint
CREATE TABLE `people` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`mobile` text,
	`unit_id` integer,
	`roles` text DEFAULT '[]' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`password_hash` text,
	`failed_logins` integer DEFAULT 0 NOT NULL,
	`locked_until` integer,
	`demo` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `people_user_id_unique` ON `people` (`user_id`);--> statement-breakpoint
CREATE INDEX `people_unit_idx` ON `people` (`unit_id`);--> statement-breakpoint
CREATE INDEX `people_name_idx` ON `people` (`name`);--> statement-breakpoint
CREATE TABLE `policies` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `schedule_slots` (
	`job` text NOT NULL,
	`slot` text NOT NULL,
	`target` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`job`, `slot`, `target`)
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` integer NOT NULL,
	`csrf` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sessions_person_idx` ON `sessions` (`person_id`);--> statement-breakpoint
CREATE TABLE `units` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`aliases` text DEFAULT '[]' NOT NULL,
	`head_user_id` text,
	`deputy_user_id` text,
	`liaison_user_ids` text DEFAULT '[]' NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`demo` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `units_name_unique` ON `units` (`name`);--> statement-breakpoint
CREATE TABLE `write_guard` (
	`ok` integer NOT NULL,
	CONSTRAINT "version_conflict" CHECK("write_guard"."ok" = 1)
);
