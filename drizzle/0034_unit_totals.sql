CREATE TABLE `unit_totals` (
	`unit_id` integer PRIMARY KEY NOT NULL,
	`total` integer DEFAULT 0 NOT NULL,
	`closed` integer DEFAULT 0 NOT NULL,
	`staged` integer DEFAULT 0 NOT NULL,
	`open` integer DEFAULT 0 NOT NULL,
	`closed_on_time` integer DEFAULT 0 NOT NULL,
	`rebounds` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER `case_totals_unit_insert` AFTER INSERT ON `case_totals` BEGIN INSERT INTO unit_totals (unit_id, total, closed, staged, open, closed_on_time, rebounds) VALUES (NEW.unit_id, NEW.total, NEW.closed, NEW.staged, NEW.open, NEW.closed_on_time, NEW.rebounds) ON CONFLICT (unit_id) DO UPDATE SET total = total + excluded.total, closed = closed + excluded.closed, staged = staged + excluded.staged, open = open + excluded.open, closed_on_time = closed_on_time + excluded.closed_on_time, rebounds = rebounds + excluded.rebounds; END;
--> statement-breakpoint
CREATE TRIGGER `case_totals_unit_update` AFTER UPDATE ON `case_totals` WHEN OLD.unit_id = NEW.unit_id BEGIN UPDATE unit_totals SET total = total + NEW.total - OLD.total, closed = closed + NEW.closed - OLD.closed, staged = staged + NEW.staged - OLD.staged, open = open + NEW.open - OLD.open, closed_on_time = closed_on_time + NEW.closed_on_time - OLD.closed_on_time, rebounds = rebounds + NEW.rebounds - OLD.rebounds WHERE unit_id = NEW.unit_id; END;
--> statement-breakpoint
CREATE TRIGGER `case_totals_unit_move` AFTER UPDATE ON `case_totals` WHEN OLD.unit_id != NEW.unit_id BEGIN INSERT INTO unit_totals (unit_id, total, closed, staged, open, closed_on_time, rebounds) VALUES (OLD.unit_id, -OLD.total, -OLD.closed, -OLD.staged, -OLD.open, -OLD.closed_on_time, -OLD.rebounds) ON CONFLICT (unit_id) DO UPDATE SET total = total + excluded.total, closed = closed + excluded.closed, staged = staged + excluded.staged, open = open + excluded.open, closed_on_time = closed_on_time + excluded.closed_on_time, rebounds = rebounds + excluded.rebounds; INSERT INTO unit_totals (unit_id, total, closed, staged, open, closed_on_time, rebounds) VALUES (NEW.unit_id, NEW.total, NEW.closed, NEW.staged, NEW.open, NEW.closed_on_time, NEW.rebounds) ON CONFLICT (unit_id) DO UPDATE SET total = total + excluded.total, closed = closed + excluded.closed, staged = staged + excluded.staged, open = open + excluded.open, closed_on_time = closed_on_time + excluded.closed_on_time, rebounds = rebounds + excluded.rebounds; END;
--> statement-breakpoint
CREATE TRIGGER `case_totals_unit_delete` AFTER DELETE ON `case_totals` BEGIN UPDATE unit_totals SET total = total - OLD.total, closed = closed - OLD.closed, staged = staged - OLD.staged, open = open - OLD.open, closed_on_time = closed_on_time - OLD.closed_on_time, rebounds = rebounds - OLD.rebounds WHERE unit_id = OLD.unit_id; END;
--> statement-breakpoint
INSERT INTO unit_totals (unit_id, total, closed, staged, open, closed_on_time, rebounds) SELECT unit_id, sum(total), sum(closed), sum(staged), sum(open), sum(closed_on_time), sum(rebounds) FROM case_totals GROUP BY unit_id;
