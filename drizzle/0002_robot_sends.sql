CREATE TABLE `robot_sends` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`robot` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `robot_sends_robot_at_idx` ON `robot_sends` (`robot`,`at`);