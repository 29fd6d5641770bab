import { defineConfig } from 'drizzle-kit';

/** PostgreSQL's migrations, from db/pg/schema.ts (generated from db/schema: `npm run db:generate`). */
export default defineConfig({
	dialect: 'postgresql',
	schema: './db/pg/schema.ts',
	out: './db/migrations-pg',
	strict: true
});
