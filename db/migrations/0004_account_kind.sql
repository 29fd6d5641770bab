ALTER TABLE `user` ADD `kind` text DEFAULT 'business' NOT NULL;--> statement-breakpoint
CREATE INDEX `audit_log_username_idx` ON `audit_log` (`username`,`action`,`at`);--> statement-breakpoint
ALTER TABLE `user` DROP COLUMN `failed_logins`;--> statement-breakpoint
ALTER TABLE `user` DROP COLUMN `last_failed_at`;--> statement-breakpoint
ALTER TABLE `user` DROP COLUMN `locked_until`;
--> statement-breakpoint
-- Hand-written: existing accounts take the kind of their role, then the kind is fixed and the role must stay
-- within it (a role change between business and administrator roles is refused by the database itself).
UPDATE `user` SET `kind` = 'administrator' WHERE `role` IN ('admin', 'security', 'auditor');--> statement-breakpoint
CREATE TRIGGER user_kind_on_insert BEFORE INSERT ON `user`
WHEN (NEW.kind = 'administrator') <> (NEW.role IN ('admin', 'security', 'auditor'))
BEGIN
	SELECT RAISE(ABORT, 'user role does not match the account kind');
END;--> statement-breakpoint
CREATE TRIGGER user_kind_fixed BEFORE UPDATE OF kind, role ON `user`
WHEN NEW.kind <> OLD.kind OR (NEW.kind = 'administrator') <> (NEW.role IN ('admin', 'security', 'auditor'))
BEGIN
	SELECT RAISE(ABORT, 'user kind is fixed at creation: a role change must stay within the account kind');
END;
