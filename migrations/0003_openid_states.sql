CREATE TABLE `openid_states` (
	`state` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`callback` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `openid_states_expiry` ON `openid_states` (`expires_at`);