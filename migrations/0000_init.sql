CREATE TABLE `access_control_entries` (
	`object_id` text NOT NULL,
	`permission` text NOT NULL,
	`principal` text NOT NULL,
	PRIMARY KEY(`object_id`, `permission`, `principal`)
);
--> statement-breakpoint
CREATE INDEX `access_control_entries_principal` ON `access_control_entries` (`principal`,`permission`,`object_id`);--> statement-breakpoint
CREATE TABLE `objects` (
	`id` text NOT NULL,
	`parent_id` text NOT NULL,
	`resource_name` text NOT NULL,
	`last_modified` integer NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`deleted` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`parent_id`, `resource_name`, `id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `objects_parent_resource_last_modified` ON `objects` (`parent_id`,`resource_name`,`last_modified`);--> statement-breakpoint
CREATE TABLE `parent_guard` (
	`missing` integer NOT NULL,
	CONSTRAINT "parent_guard_never" CHECK("parent_guard"."missing" = 0)
);
--> statement-breakpoint
CREATE TABLE `timestamps` (
	`parent_id` text NOT NULL,
	`resource_name` text NOT NULL,
	`last_modified` integer NOT NULL,
	PRIMARY KEY(`parent_id`, `resource_name`)
);
--> statement-breakpoint
CREATE TABLE `user_principals` (
	`user_id` text NOT NULL,
	`principal` text NOT NULL,
	PRIMARY KEY(`user_id`, `principal`)
);
--> statement-breakpoint
CREATE INDEX `user_principals_principal` ON `user_principals` (`principal`);