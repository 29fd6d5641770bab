import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../api/config.ts';
import { openDatabase } from './open.ts';
import { createPgDatabase } from '../test/support/pg.ts';
import { query } from './client.ts';

const dir = mkdtempSync(join(tmpdir(), 'duban-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openDatabase: DATABASE_URL selects PostgreSQL, else SQLite in the data folder', () => {
	it('reads DATABASE_URL and refuses anything but postgres://', () => {
		expect(loadConfig({ DATA_DIR: dir }).databaseUrl).toBeUndefined();
		expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).databaseUrl).toBe('postgres://u@h/db');
		expect(() => loadConfig({ DATABASE_URL: 'mysql://u@h/db' })).toThrow(/应为 postgres:\/\//);
	});

	it('opens and migrates SQLite without it', async () => {
		const open = await openDatabase(loadConfig({ DATA_DIR: dir }));
		expect(open.dialect).toBe('sqlite');
		expect(await query(open.db, sql`select count(*) as n from holiday`)).toEqual([{ n: 320 }]);
		await open.close();
	});

	it('opens and migrates PostgreSQL with it (twice at once: the migration runs once)', async () => {
		const database = await createPgDatabase('open');
		try {
			const config = loadConfig({ DATA_DIR: dir, DATABASE_URL: database.url });
			const [a, b] = await Promise.all([openDatabase(config), openDatabase(config)]);
			expect(a.dialect).toBe('postgres');
			expect(await query(a.db, sql`select count(*) as n from holiday`)).toEqual([{ n: 320 }]);
			await Promise.all([a.close(), b.close()]);
		} finally {
			await database.drop();
		}
	});
});
