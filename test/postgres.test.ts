// The done-when checks on PostgreSQL that need more than one process: `duban init` against
// SQLite's, and two web instances sharing one database. (Every API and job suite also runs on PostgreSQL:
// the `node-pg` project of vitest.config.ts.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../api/config.ts';
import { systemClock } from '../api/lib/clock.ts';
import { seedDirectory } from '../api/services/setup.ts';
import { putSetting } from '../api/services/settings.ts';
import { createUser } from '../api/services/users.ts';
import { query, type Db } from '../db/client.ts';
import { openDatabase } from '../db/open.ts';
import { freePort, startChildServer, type ChildServer } from './support/child-server.ts';
import { Client, importPlan, PASSWORD } from './support/harness.ts';
import { createPgDatabase } from './support/pg.ts';

const bin = new URL('../bin/duban.mjs', import.meta.url).pathname;

/** The plan as the table lays it out: every indicator with its task, due date and lead units in order. */
const planTable = (db: Db) =>
	query<{ task: string; text: string; dueOn: string | null; deadline: string | null; lead: string }>(
		db,
		sql`select t.title as task, i.text, i.due_on as "dueOn", i.deadline_text as deadline,
			coalesce((select min(u.name) from assignment a join unit u on u.id = a.unit_id
				where a.indicator_id = i.id and a.role = 'lead' and a.position = (
					select min(b.position) from assignment b where b.indicator_id = i.id and b.role = 'lead')), '') as lead
		from indicator i join task t on t.id = i.task_id order by i.id`
	);

describe('on PostgreSQL', () => {
	it('a fresh `duban init` holds the 2020 table exactly as it does on SQLite', async () => {
		const target = await createPgDatabase('init');
		const dirs = [
			mkdtempSync(join(tmpdir(), 'duban-init-sqlite-')),
			mkdtempSync(join(tmpdir(), 'duban-init-pg-'))
		];
		try {
			const envs = [{ DATA_DIR: dirs[0]! }, { DATA_DIR: dirs[1]!, DATABASE_URL: target.url }];
			const tables = [];
			for (const env of envs) {
				const res = spawnSync(process.execPath, [bin, 'init'], {
					env: { ...process.env, ...env, DUBAN_DEMO: '0' },
					encoding: 'utf8'
				});
				expect(res.status, res.stderr).toBe(0);
				expect(res.stdout).toContain('库中共 80 项指标');
				const open = await openDatabase(loadConfig(env));
				try {
					const tasks = await query<{ n: number }>(open.db, sql`select count(*) as n from task`);
					expect(tasks[0]!.n).toBe(56);
					tables.push(await planTable(open.db));
				} finally {
					await open.close();
				}
			}
			expect(tables[1]).toHaveLength(80);
			// Every indicator but those whose lead the table leaves to be named (待明确) has its lead unit.
			expect(tables[1]!.filter((r) => r.lead).length).toBeGreaterThan(70);
			expect(tables[1]).toEqual(tables[0]);
		} finally {
			for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
			await target.drop();
		}
	}, 120_000);

	it('two web instances on one database see each other’s writes at once; six notices issued at once through both get six numbers', async () => {
		const target = await createPgDatabase('two');
		const dataDir = mkdtempSync(join(tmpdir(), 'duban-two-'));
		const today = '2020-03-16';
		const env = {
			DATA_DIR: dataDir,
			DATABASE_URL: target.url,
			DUBAN_DEMO: '0',
			DUBAN_JOBS: '0',
			WEB_PROCESSES: '1',
			DUBAN_TODAY: today,
			SECURE_COOKIES: '0',
			STATIC_DIR: join(dataDir, 'no-static')
		};
		const config = loadConfig(env);
		const open = await openDatabase(config);
		const servers: ChildServer[] = [];
		try {
			const ctx = { db: open.db, clock: systemClock(today), config, actor: null, ip: null };
			await seedDirectory(ctx);
			await putSetting(open.db, 'passwordMaxAgeDays', 0, ctx.clock.now());
			await createUser(ctx, { username: 'office2', name: '办公室', role: 'office', password: PASSWORD });
			servers.push(
				...(await Promise.all([1, 2].map(async () => startChildServer(env, { port: await freePort() }))))
			);
			const [a, b] = servers.map((s) => new Client(s.base)) as [Client, Client];
			expect((await a.post('/api/v1/auth/login', { username: 'office2', password: PASSWORD })).status).toBe(
				200
			);
			// The session made on one instance is valid on the other: it lives in the database.
			b.cookie = a.cookie;
			expect((await b.get('/api/v1/auth/me')).data.user.username).toBe('office2');

			const { planId, ids } = await importPlan(a, [
				['领域', '', '任务', '两个实例共享的指标', '2020年6月底前', '省大数据局']
			]);
			const seen = await b.get(`/api/v1/indicators?planId=${planId}`);
			expect(seen.data.items.map((i: { text: string }) => i.text)).toEqual(['两个实例共享的指标']);

			const [{ id: unitId }] = (await query<{ id: number }>(
				open.db,
				sql`select id from unit where name = '省大数据局'`
			)) as [{ id: number }];
			const issued = await Promise.all(
				Array.from({ length: 6 }, (_, i) =>
					[a, b][i % 2]!.post('/api/v1/notices', {
						unitId,
						indicatorIds: [ids['两个实例共享的指标']],
						level: 'blue',
						message: `请加快进度（${i + 1}）`
					})
				)
			);
			expect(issued.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
			const numbers = issued.map((r) => r.data.number as string);
			expect(new Set(numbers).size).toBe(6);
			const seqs = await query<{ seq: number }>(open.db, sql`select seq from urge_notice order by seq`);
			expect(seqs.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6]);
			// Each instance lists all six at once.
			for (const c of [a, b]) expect((await c.get('/api/v1/notices')).data.total).toBe(6);
		} catch (err) {
			// A failure shows what the instances printed (a query PostgreSQL refused, with its cause).
			console.log(servers.map((s) => s.output()).join('\n----\n'));
			throw err;
		} finally {
			for (const s of servers) s.proc.kill('SIGTERM');
			await Promise.all(servers.map((s) => s.exited));
			await open.close();
			rmSync(dataDir, { recursive: true, force: true });
			await target.drop();
		}
	}, 120_000);
});
