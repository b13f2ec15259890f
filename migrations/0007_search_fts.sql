-- Full-text index of the search plugin over `search_docs.body` (external content: the text is
-- stored once, in search_docs). Tokenizer: unicode61 with `.` and `-` as token characters, so
-- a version such as `57.0b3` or a locale such as `en-US` is one token and a version prefix is
-- an FTS5 prefix query (`"57.0b"*`). Not expressible in drizzle: written by hand.
CREATE VIRTUAL TABLE `search_fts` USING fts5(body, content='search_docs', content_rowid='rowid', tokenize="unicode61 tokenchars '.-'");
--> statement-breakpoint
CREATE TRIGGER `search_docs_insert` AFTER INSERT ON `search_docs` BEGIN
  INSERT INTO search_fts (rowid, body) VALUES (new.rowid, new.body);
END;
--> statement-breakpoint
CREATE TRIGGER `search_docs_delete` AFTER DELETE ON `search_docs` BEGIN
  INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
END;
