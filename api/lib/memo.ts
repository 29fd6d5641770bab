import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';

/**
 * Results that stay valid while the database does not change. The key includes SQLite's
 * `data_version` (changes when another connection commits) and this connection's `total_changes()`
 * (changes with each of its own writes), so any write anywhere invalidates every entry.
 */
const caches = new WeakMap<object, Map<string, unknown>>();
const MAX_ENTRIES = 64;

export function memo<T>(db: Db, key: string, compute: () => T): T {
	const state = db.get<{ v: number; c: number }>(
		sql`select (select data_version from pragma_data_version) as v, total_changes() as c`
	)!;
	const full = `${state.v}|${state.c}|${key}`;
	let cache = caches.get(db);
	if (!cache) caches.set(db, (cache = new Map()));
	if (cache.has(full)) return cache.get(full) as T;
	const value = compute();
	if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
	cache.set(full, value);
	return value;
}
