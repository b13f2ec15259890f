CREATE TABLE `attachment_upload_parts` (
	`upload_id` text NOT NULL,
	`part` integer NOT NULL,
	`etag` text NOT NULL,
	`size` integer NOT NULL,
	PRIMARY KEY(`upload_id`, `part`)
);
--> statement-breakpoint
CREATE TABLE `attachment_uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`record_uri` text NOT NULL,
	`user_id` text NOT NULL,
	`key` text NOT NULL,
	`own` integer NOT NULL,
	`r2_upload_id` text NOT NULL,
	`filename` text NOT NULL,
	`mimetype` text NOT NULL,
	`size` integer NOT NULL,
	`part_size` integer NOT NULL,
	`next_part` integer NOT NULL,
	`hash_state` text NOT NULL,
	`data` text,
	`permissions` text,
	`state` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `attachment_uploads_expiry` ON `attachment_uploads` (`state`,`expires_at`);