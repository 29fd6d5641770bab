import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import { pbkdf2 } from 'node:crypto';
import { addressOf, closeDb, connect, withTransaction, writerOf, type Db } from '../../db/client.ts';
import { unit } from '../../db/schema/index.ts';
import { failureOf, freshDb, testDialect } from '../support/database.ts';
import { getSettings, putSetting } from '../../api/services/settings.ts';

/** The database comes from a factory, so the same test runs on every dialect the data layer supports. */
let store: Awaited<ReturnType<typeof freshDb>>;
beforeEach(async () => (store = await freshDb()));
afterEach(() => store.close());

const names = async (db: Db) =>
	(await db.select({ name: unit.name }).from(unit).orderBy(unit.name)).map((r) => r.name);

/** A promise and its resolver: lets one transaction wait, mid-way, for the test to go on. */
function gate() {
	let open!: () => void;
	const opened = new Promise<void>((resolve) => (open = resolve));
	return { opened, open };
}

describe('withTransaction', () => {
	it('keeps two overlapping transactions and a reader apart, and commits each whole', async () => {
		const ctx = { db: store.db };
		const firstWrote = gate();
		const finishFirst = gate();
		const seen: Record<string, string[]> = {};
		const first = withTransaction(ctx, async (tx) => {
			await tx.db.insert(unit).values({ name: '甲', kind: 'provincial' });
			firstWrote.open();
			await finishFirst.opened;
			seen.firstInside = await names(tx.db);
			await tx.db.insert(unit).values({ name: '乙', kind: 'provincial' });
		});
		const second = withTransaction(ctx, async (tx) => {
			seen.secondInside = await names(tx.db);
			await tx.db.insert(unit).values({ name: '丙', kind: 'provincial' });
		});
		await firstWrote.opened;
		// The first is mid-way (awaiting): a reader sees none of its work; the second waits its turn.
		seen.readerDuring = await names(ctx.db);
		finishFirst.open();
		await Promise.all([first, second]);
		expect(seen.readerDuring).not.toContain('甲');
		if (store.dialect === 'sqlite') {
			expect(seen.readerDuring).toEqual([]);
			expect(seen.firstInside).toEqual(['甲']);
			expect(seen.secondInside).toEqual(['乙', '甲']);
		} else {
			// PostgreSQL runs the second beside the first (a connection each, READ COMMITTED): it never sees the
			// first's uncommitted work, and the first may see the second's once committed.
			expect(seen.secondInside).toEqual([]);
			expect(seen.firstInside).toContain('甲');
		}
		expect(await names(ctx.db)).toEqual(['丙', '乙', '甲']);
	});

	it('rolls back everything a failing transaction wrote, nested calls included', async () => {
		const ctx = { db: store.db };
		const failing = withTransaction(ctx, async (tx) => {
			await tx.db.insert(unit).values({ name: '甲', kind: 'provincial' });
			await withTransaction(tx, async (inner) => {
				await inner.db.insert(unit).values({ name: '乙', kind: 'provincial' });
			});
			await new Promise((resolve) => setTimeout(resolve, 5));
			await tx.db.insert(unit).values({ name: '甲', kind: 'provincial' }); // unique name: fails
		});
		expect(await failureOf(failing)).toMatch(/unique/i);
		expect(await names(ctx.db)).toEqual([]);
		// The connection is usable again after the rollback.
		await withTransaction(ctx, async (tx) => {
			await tx.db.insert(unit).values({ name: '丁', kind: 'provincial' });
		});
		expect(await names(ctx.db)).toEqual(['丁']);
	});

	// SQLite's one writer groups commits; PostgreSQL commits each transaction on its own connection.
	it.skipIf(testDialect === 'postgres')(
		'commits transactions that ran back to back together; each answers after the commit, a failing one undoes only its own work',
		async () => {
			const ctx = { db: store.db };
			const client = writerOf(store.db).$client;
			const exec = client.exec.bind(client);
			const commits: string[][] = [];
			client.exec = (source: string) => {
				// What a reader sees at each commit: the group's work is not visible before it.
				if (source === 'COMMIT') commits.push(readerNames());
				return exec(source);
			};
			const reader = new Database(client.name, { readonly: true });
			const readerNames = () =>
				(reader.prepare('select name from unit order by name').pluck().all() as string[]).slice();
			try {
				const answered: string[] = [];
				const write = (name: string, fails = false) =>
					withTransaction(ctx, async (tx) => {
						await tx.db.insert(unit).values({ name, kind: 'provincial' });
						if (fails) await tx.db.insert(unit).values({ name, kind: 'provincial' }); // unique name: fails
					}).then(
						() => answered.push(`${name} ${readerNames().includes(name) ? 'on disk' : 'not yet'}`),
						(err: Error) => answered.push(`${name} ${/UNIQUE/.test(err.message) ? 'refused' : err.message}`)
					);
				await Promise.all([write('甲'), write('乙', true), write('丙')]);
				expect(commits).toEqual([[]]);
				expect(answered.sort()).toEqual(['丙 on disk', '乙 refused', '甲 on disk']);
				expect(await names(ctx.db)).toEqual(['丙', '甲']);
				// Alone in line, a transaction commits at once.
				await write('丁');
				expect(commits).toHaveLength(2);
			} finally {
				client.exec = exec;
				reader.close();
			}
		}
	);

	it('reads the settings once a transaction, and again after its own change of them', async () => {
		const ctx = { db: store.db };
		const now = new Date();
		const inside = await withTransaction(ctx, async ({ db }) => {
			const first = await getSettings(db);
			const again = await getSettings(db);
			await putSetting(db, 'dueSoonDays', first.dueSoonDays + 1, now);
			return { first, again, changed: await getSettings(db) };
		});
		expect(inside.again).toBe(inside.first);
		expect(inside.changed.dueSoonDays).toBe(inside.first.dueSoonDays + 1);
		// Committed: the next transaction and a read outside one see it; neither keeps the other's memo.
		expect((await getSettings(store.db)).dueSoonDays).toBe(inside.changed.dueSoonDays);
		expect((await withTransaction(ctx, async ({ db }) => getSettings(db))).dueSoonDays).toBe(
			inside.changed.dueSoonDays
		);
		// A failing transaction's change is gone with it, and with its memo.
		let seenBeforeFailing = 0;
		await failureOf(
			withTransaction(ctx, async ({ db }) => {
				await getSettings(db);
				await putSetting(db, 'dueSoonDays', 60, now);
				seenBeforeFailing = (await getSettings(db)).dueSoonDays;
				throw new Error('undone');
			})
		);
		expect(seenBeforeFailing).toBe(60);
		expect((await withTransaction(ctx, async ({ db }) => getSettings(db))).dueSoonDays).toBe(
			inside.changed.dueSoonDays
		);
	});

	it('refuses a write outside a transaction', async () => {
		expect(
			await failureOf((async () => store.db.update(unit).set({ position: 1 }).where(eq(unit.id, 1)))())
		).toMatch(/readonly|read-only/);
	});

	it.runIf(testDialect === 'sqlite')(
		'answers a commit only after the WAL is flushed to disk, off the event loop',
		async () => {
			// Jobs that occupy the thread pool: the flush (an fsync there) queues behind them. Were the commit
			// answered without it, it would be answered before the first of them ends.
			const ended: number[] = [];
			const busy = Array.from(
				{ length: 8 },
				() =>
					new Promise<void>((resolve) =>
						pbkdf2('x', 'salt', 200_000, 32, 'sha256', () => resolve(void ended.push(Date.now())))
					)
			);
			let answeredAt = 0;
			const answered = withTransaction({ db: store.db }, (tx) =>
				tx.db.insert(unit).values({ name: '已提交', kind: 'provincial' })
			).then(() => (answeredAt = Date.now()));
			// Committed and visible to readers first; the event loop goes on meanwhile.
			let visible = false;
			for (let turn = 0; turn < 1000 && !visible && !answeredAt; turn++) {
				await new Promise((resolve) => setImmediate(resolve));
				visible = (await names(store.db)).includes('已提交');
			}
			expect(visible).toBe(true);
			expect(answeredAt).toBe(0);
			await answered;
			expect(ended.length).toBeGreaterThan(0);
			expect(answeredAt).toBeGreaterThanOrEqual(Math.min(...ended));
			await Promise.all(busy);
		}
	);

	it.runIf(testDialect === 'sqlite')(
		'a web process of several leaves the write lock free before every other group while no other writer commits',
		async () => {
			const file = addressOf(store.db);
			const web = connect(file, { siblingWriters: true });
			const sibling = new Database(file);
			try {
				// The pause is a 5 ms timer; counting those timers (not the time waited) keeps a busy machine's
				// slow BEGIN from reading as a pause.
				const timers = vi.spyOn(globalThis, 'setTimeout');
				/** Whether each of nine transactions in turn paused 5 ms before its work began. */
				const waits = async (between?: () => void) => {
					const paused: boolean[] = [];
					for (let n = 0; n < 9; n++) {
						const before = timers.mock.calls.length;
						await withTransaction({ db: web }, async (tx) => {
							paused.push(timers.mock.calls.slice(before).some(([, ms]) => ms === 5));
							await tx.db.insert(unit).values({ name: `轮次 ${n} ${Math.random()}`, kind: 'provincial' });
						});
						between?.();
					}
					return paused;
				};
				// Alone: from the 4th (after three in a row), every other one left the lock free for 5 ms first.
				expect(await waits()).toEqual([false, false, false, true, false, true, false, true, false]);
				// Another connection's commit between each: no one waits.
				const other = sibling.prepare(`insert into unit (name, kind) values (?, 'provincial')`);
				other.run('其他进程');
				expect(await waits(() => other.run(`其他进程 ${Math.random()}`))).toEqual(Array(9).fill(false));
			} finally {
				vi.restoreAllMocks();
				sibling.close();
				closeDb(web);
			}
		}
	);
});
