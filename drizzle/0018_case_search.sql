-- Full-text search over cases (issue 12): FTS5 with the trigram tokenizer (Chinese needs no dictionary: any
-- 3-character substring is a term). rowid = cases.id. Columns: title, content, place (area + address),
-- external_no (受理编号) and notes (调查核实情况, 整改情况, 回访备注 and the text of people's 进展/备注 events).
-- The table keeps its own copy of the text (not external content): the notes column is built from two tables.
-- Kept in step by the triggers below; src/db/case-search.ts rebuildCaseSearch() rebuilds it after a bulk load.
CREATE VIRTUAL TABLE `case_search` USING fts5(title, content, place, external_no, notes, tokenize = 'trigram');
--> statement-breakpoint
INSERT INTO `case_search`(rowid, title, content, place, external_no, notes) SELECT c.id, c.title, c.content, trim(coalesce(c.area, '') || ' ' || coalesce(c.address, '')), coalesce(c.external_no, ''), trim(coalesce(c.finding, '') || char(10) || coalesce(c.rectification, '') || char(10) || coalesce(c.callback_note, '') || char(10) || coalesce((SELECT group_concat(e.text, char(10)) FROM case_events e WHERE e.case_id = c.id AND e.kind IN ('progress', 'note') AND e.actor_user_id != 'system' AND e.text IS NOT NULL), ''), char(10)) FROM `cases` c;
--> statement-breakpoint
CREATE TRIGGER `case_search_insert` AFTER INSERT ON `cases` BEGIN
  INSERT INTO `case_search`(rowid, title, content, place, external_no, notes) VALUES (new.id, new.title, new.content, trim(coalesce(new.area, '') || ' ' || coalesce(new.address, '')), coalesce(new.external_no, ''), trim(coalesce(new.finding, '') || char(10) || coalesce(new.rectification, '') || char(10) || coalesce(new.callback_note, '') || char(10) || coalesce((SELECT group_concat(e.text, char(10)) FROM case_events e WHERE e.case_id = new.id AND e.kind IN ('progress', 'note') AND e.actor_user_id != 'system' AND e.text IS NOT NULL), ''), char(10)));
END;
--> statement-breakpoint
CREATE TRIGGER `case_search_update` AFTER UPDATE OF title, content, area, address, external_no, finding, rectification, callback_note ON `cases`
WHEN old.title IS NOT new.title OR old.content IS NOT new.content OR old.area IS NOT new.area OR old.address IS NOT new.address OR old.external_no IS NOT new.external_no OR old.finding IS NOT new.finding OR old.rectification IS NOT new.rectification OR old.callback_note IS NOT new.callback_note BEGIN
  DELETE FROM `case_search` WHERE rowid = old.id;
  INSERT INTO `case_search`(rowid, title, content, place, external_no, notes) VALUES (new.id, new.title, new.content, trim(coalesce(new.area, '') || ' ' || coalesce(new.address, '')), coalesce(new.external_no, ''), trim(coalesce(new.finding, '') || char(10) || coalesce(new.rectification, '') || char(10) || coalesce(new.callback_note, '') || char(10) || coalesce((SELECT group_concat(e.text, char(10)) FROM case_events e WHERE e.case_id = new.id AND e.kind IN ('progress', 'note') AND e.actor_user_id != 'system' AND e.text IS NOT NULL), ''), char(10)));
END;
--> statement-breakpoint
CREATE TRIGGER `case_search_delete` AFTER DELETE ON `cases` BEGIN
  DELETE FROM `case_search` WHERE rowid = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `case_search_event` AFTER INSERT ON `case_events`
WHEN new.kind IN ('progress', 'note') AND new.actor_user_id != 'system' AND coalesce(new.text, '') != '' BEGIN
  UPDATE `case_search` SET notes = notes || char(10) || new.text WHERE rowid = new.case_id;
END;
