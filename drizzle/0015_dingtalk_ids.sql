ALTER TABLE `groups` ADD `robot_webhook` text;--> statement-breakpoint
ALTER TABLE `groups` ADD `robot_secret` text;--> statement-breakpoint
ALTER TABLE `people` ADD `dingtalk_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `people_dingtalk_id_unique` ON `people` (`dingtalk_id`);