CREATE TABLE `directory_version` (
	`id` integer PRIMARY KEY NOT NULL,
	`v` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
INSERT INTO directory_version (id, v) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `units_directory_insert` AFTER INSERT ON `units` BEGIN UPDATE directory_version SET v = v + 1 WHERE id = 1; END;
--> statement-breakpoint
CREATE TRIGGER `units_directory_update` AFTER UPDATE ON `units` BEGIN UPDATE directory_version SET v = v + 1 WHERE id = 1; END;
--> statement-breakpoint
CREATE TRIGGER `units_directory_delete` AFTER DELETE ON `units` BEGIN UPDATE directory_version SET v = v + 1 WHERE id = 1; END;
--> statement-breakpoint
CREATE TRIGGER `people_directory_insert` AFTER INSERT ON `people` BEGIN UPDATE directory_version SET v = v + 1 WHERE id = 1; END;
--> statement-breakpoint
CREATE TRIGGER `people_directory_update` AFTER UPDATE ON `people` BEGIN UPDATE directory_version SET v = v + 1 WHERE id = 1; END;
--> statement-breakpoint
CREATE TRIGGER `people_directory_delete` AFTER DELETE ON `people` BEGIN UPDATE directory_version SET v = v + 1 WHERE id = 1; END;
--> statement-breakpoint
CREATE TRIGGER `groups_directory_insert` AFTER INSERT ON `groups` BEGIN UPDATE directory_version SET v = v + 1 WHERE id = 1; END;
--> statement-breakpoint
CREATE TRIGGER `groups_directory_update` AFTER UPDATE ON `groups` BEGIN UPDATE directory_version SET v = v + 1 WHERE id = 1; END;
--> statement-breakpoint
CREATE TRIGGER `groups_directory_delete` AFTER DELETE ON `groups` BEGIN UPDATE directory_version SET v = v + 1 WHERE id = 1; END;
