CREATE TABLE `search_builds` (
	`collection_uri` text PRIMARY KEY NOT NULL,
	`cursor` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `search_docs` (
	`rowid` integer PRIMARY KEY NOT NULL,
	`parent_id` text NOT NULL,
	`record_id` text NOT NULL,
	`field` text NOT NULL,
	`body` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `search_docs_record` ON `search_docs` (`parent_id`,`record_id`,`field`);