import { sqliteTable, integer, text, index } from 'drizzle-orm/sqlite-core';
import { ACCOUNT_KINDS, ROLES } from './constants.ts';
import { insertedAt } from './columns.ts';
import { unit } from './unit.ts';

export const user = sqliteTable('user', {
	id: integer('id').primaryKey({ autoIncrement: true }),
	username: text('username').notNull().unique(),
	name: text('name').notNull(),
	email: text('email'),
	role: text('role', { enum: ROLES }).notNull(),
	/** Business or administrator, set at creation and never changed (triggers); the role stays within it. */
	kind: text('kind', { enum: ACCOUNT_KINDS }).notNull().default('business'),
	unitId: integer('unit_id').references(() => unit.id),
	passwordHash: text('password_hash').notNull(),
	disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
	/** The user does not want reminder mail (in-app notifications still arrive). */
	emailOptOut: integer('email_opt_out', { mode: 'boolean' }).notNull().default(false),
	/** Set for a password someone else chose (a new account, a reset): it must be changed at the next sign-in. */
	mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
	passwordChangedAt: integer('password_changed_at', { mode: 'timestamp_ms' }),
	/** TOTP (RFC 6238) secret, base32; enabled once the user proved it with a code. */
	totpSecret: text('totp_secret'),
	totpEnabledAt: integer('totp_enabled_at', { mode: 'timestamp_ms' }),
	/** The time step of the last accepted code: a code is accepted once (RFC 6238 §5.2). */
	totpLastStep: integer('totp_last_step'),
	createdAt: insertedAt()
});

/** Lucia-style session: the id is the SHA-256 of the token the browser holds. */
export const session = sqliteTable(
	'session',
	{
		id: text('id').primaryKey(),
		userId: integer('user_id')
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
		lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
		/** Where the session was opened from, for the security admin's session list. */
		ip: text('ip'),
		userAgent: text('user_agent'),
		createdAt: insertedAt()
	},
	(t) => [index('session_user_idx').on(t.userId)]
);

/**
 * A machine client's bearer token (a service account, role `service`): shown once at creation, only its
 * SHA-256 is stored; revoked tokens stay for the audit trail.
 */
export const serviceToken = sqliteTable(
	'service_token',
	{
		id: integer('id').primaryKey({ autoIncrement: true }),
		userId: integer('user_id')
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		/** SHA-256 (hex) of the token. */
		tokenHash: text('token_hash').notNull().unique(),
		/** The token's first characters (`dbn_ab12…`), so people can tell tokens apart. */
		prefix: text('prefix').notNull(),
		createdBy: integer('created_by').references(() => user.id),
		createdAt: insertedAt(),
		lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
		revokedAt: integer('revoked_at', { mode: 'timestamp_ms' })
	},
	(t) => [index('service_token_user_idx').on(t.userId)]
);
