CREATE TABLE `attachment_files` (
	`key` text PRIMARY KEY NOT NULL,
	`record_uri` text NOT NULL,
	`state` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `attachment_files_record` ON `attachment_files` (`record_uri`,`state`);--> statement-breakpoint
CREATE INDEX `attachment_files_state` ON `attachment_files` (`state`,`created_at`);