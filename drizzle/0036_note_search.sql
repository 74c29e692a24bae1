-- Notes indexed one by one (issue 12): case_search's notes column held every 进展/备注 of a case, and each new note
-- ran UPDATE case_search SET notes = notes || …, so FTS5 deleted and re-tokenized the whole case (title, content,
-- every earlier note) — O(case) per note on the chat's hot path. Now each qualifying event (people's progress/note
-- with text; system notes left out) is its own row of note_search, rowid = case_events.id, written once by a
-- trigger: O(note). case_search's notes column keeps only 调查核实情况, 整改情况 and 回访备注 (columns of cases).
-- src/db/case-search.ts searches both; rebuildCaseSearch() rebuilds both by id range (`duban reindex`).
DROP TRIGGER IF EXISTS `case_search_event`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `case_search_insert`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `case_search_update`;
--> statement-breakpoint
DROP TABLE IF EXISTS `case_search`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `case_search` USING fts5(title, content, place, external_no, notes, tokenize = 'trigram');
--> statement-breakpoint
INSERT INTO `case_search`(rowid, title, content, place, external_no, notes) SELECT c.id, c.title, c.content, trim(coalesce(c.area, '') || ' ' || coalesce(c.address, '')), coalesce(c.external_no, ''), trim(coalesce(c.finding, '') || char(10) || coalesce(c.rectification, '') || char(10) || coalesce(c.callback_note, ''), char(10)) FROM `cases` c;
--> statement-breakpoint
CREATE TRIGGER `case_search_insert` AFTER INSERT ON `cases` BEGIN
  INSERT INTO `case_search`(rowid, title, content, place, external_no, notes) VALUES (new.id, new.title, new.content, trim(coalesce(new.area, '') || ' ' || coalesce(new.address, '')), coalesce(new.external_no, ''), trim(coalesce(new.finding, '') || char(10) || coalesce(new.rectification, '') || char(10) || coalesce(new.callback_note, ''), char(10)));
END;
--> statement-breakpoint
CREATE TRIGGER `case_search_update` AFTER UPDATE OF title, content, area, address, external_no, finding, rectification, callback_note ON `cases`
WHEN old.title IS NOT new.title OR old.content IS NOT new.content OR old.area IS NOT new.area OR old.address IS NOT new.address OR old.external_no IS NOT new.external_no OR old.finding IS NOT new.finding OR old.rectification IS NOT new.rectification OR old.callback_note IS NOT new.callback_note BEGIN
  DELETE FROM `case_search` WHERE rowid = old.id;
  INSERT INTO `case_search`(rowid, title, content, place, external_no, notes) VALUES (new.id, new.title, new.content, trim(coalesce(new.area, '') || ' ' || coalesce(new.address, '')), coalesce(new.external_no, ''), trim(coalesce(new.finding, '') || char(10) || coalesce(new.rectification, '') || char(10) || coalesce(new.callback_note, ''), char(10)));
END;
--> statement-breakpoint
CREATE VIRTUAL TABLE `note_search` USING fts5(text, case_id UNINDEXED, tokenize = 'trigram');
--> statement-breakpoint
INSERT INTO `note_search`(rowid, text, case_id) SELECT e.id, e.text, e.case_id FROM `case_events` e WHERE e.kind IN ('progress', 'note') AND e.actor_user_id != 'system' AND coalesce(e.text, '') != '';
--> statement-breakpoint
CREATE TRIGGER `note_search_insert` AFTER INSERT ON `case_events`
WHEN new.kind IN ('progress', 'note') AND new.actor_user_id != 'system' AND coalesce(new.text, '') != '' BEGIN
  INSERT INTO `note_search`(rowid, text, case_id) VALUES (new.id, new.text, new.case_id);
END;
--> statement-breakpoint
CREATE TRIGGER `note_search_delete` AFTER DELETE ON `case_events` BEGIN
  DELETE FROM `note_search` WHERE rowid = old.id;
END;
