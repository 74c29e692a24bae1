ALTER TABLE `wecom_nonces` ADD `msg_key` text;--> statement-breakpoint
ALTER TABLE `wecom_nonces` ADD `encrypt` text;