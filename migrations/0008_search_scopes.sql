CREATE TABLE `search_scopes` (
	`id` integer PRIMARY KEY NOT NULL,
	`parent_id` text NOT NULL,
	`field` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `search_scopes_field` ON `search_scopes` (`parent_id`,`field`);--> statement-breakpoint
-- Existing documents move to the rowids of storage/search-index.ts `docRowid` (scope id times
-- 2^42 plus the record's last_modified); a record past 2^42 ms has no document. Written by
-- hand: the new rowids are all at least 2^42, above every old one, so no two rows collide.
INSERT INTO search_scopes (parent_id, field) SELECT DISTINCT parent_id, field FROM search_docs ORDER BY parent_id, field;
--> statement-breakpoint
DELETE FROM search_docs WHERE NOT EXISTS (SELECT 1 FROM objects AS o WHERE o.parent_id = search_docs.parent_id
  AND o.resource_name = 'record' AND o.id = search_docs.record_id AND o.deleted = 0 AND o.last_modified < 4398046511104);
--> statement-breakpoint
UPDATE search_docs SET rowid =
  (SELECT s.id FROM search_scopes AS s WHERE s.parent_id = search_docs.parent_id AND s.field = search_docs.field) * 4398046511104
  + (SELECT o.last_modified FROM objects AS o WHERE o.parent_id = search_docs.parent_id AND o.resource_name = 'record' AND o.id = search_docs.record_id);
--> statement-breakpoint
INSERT INTO search_fts (search_fts) VALUES ('rebuild');
