ALTER TABLE `groups` ADD `platform` text DEFAULT 'wecom' NOT NULL;
--> statement-breakpoint
UPDATE `outbox` SET `target` = 'wecom:' || `target` WHERE `target` NOT LIKE 'wecom:%' AND `target` NOT LIKE 'dingtalk:%';
