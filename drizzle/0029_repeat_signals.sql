ALTER TABLE `cases` ADD `merged_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Live 并案 complaints per case (issue 13), filled from the links already there, then kept by the triggers below
-- whatever writes case_links (chat, dashboard, import), on libSQL and D1 alike.
UPDATE cases SET merged_count = (SELECT count(*) FROM case_links l WHERE l.other_id = cases.id AND l.kind = 'merged' AND l.undone_at IS NULL)
WHERE id IN (SELECT other_id FROM case_links WHERE kind = 'merged' AND undone_at IS NULL);--> statement-breakpoint
CREATE INDEX `cases_repeat_idx` ON `cases` (`flagged`,`id`) WHERE merged_count > 0 or rebound_count > 0;--> statement-breakpoint
CREATE INDEX `case_links_kind_at_idx` ON `case_links` (`kind`,`at`);--> statement-breakpoint
CREATE TRIGGER `case_links_merged_insert` AFTER INSERT ON `case_links` WHEN NEW.kind = 'merged' AND NEW.undone_at IS NULL BEGIN UPDATE cases SET merged_count = merged_count + 1 WHERE id = NEW.other_id; END;--> statement-breakpoint
CREATE TRIGGER `case_links_merged_update` AFTER UPDATE OF kind, other_id, undone_at ON `case_links` WHEN (OLD.kind = 'merged' AND OLD.undone_at IS NULL) OR (NEW.kind = 'merged' AND NEW.undone_at IS NULL) BEGIN UPDATE cases SET merged_count = merged_count - 1 WHERE id = OLD.other_id AND OLD.kind = 'merged' AND OLD.undone_at IS NULL; UPDATE cases SET merged_count = merged_count + 1 WHERE id = NEW.other_id AND NEW.kind = 'merged' AND NEW.undone_at IS NULL; END;--> statement-breakpoint
CREATE TRIGGER `case_links_merged_delete` AFTER DELETE ON `case_links` WHEN OLD.kind = 'merged' AND OLD.undone_at IS NULL BEGIN UPDATE cases SET merged_count = merged_count - 1 WHERE id = OLD.other_id; END;
