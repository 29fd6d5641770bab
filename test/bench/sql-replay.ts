// The SQLite work of a run of requests without the app around it: every statement the app's two
// connections (read and write) execute is recorded with its values, then run again, in the same order and
// on the same connections' pragmas, against a copy of the file as it was before the run. What the replay
// costs is what the database engine cannot avoid for those answers as the app asks them; the rest of a
// request's CPU is the app's (HTTP, validation, mapping, JSON). SQLite only: PostgreSQL runs in its own
// process, where the server's CPU already excludes it.
import Database from 'better-sqlite3';
import { openSync, fsyncSync, closeSync } from 'node:fs';
import { sqliteConnection } from '../../db/client.ts';

type Method = 'run' | 'get' | 'all' | 'iterate' | 'exec';
/** One statement as executed: on which connection, by which request (its index), with which values. */
export type Executed = { writer: boolean; request: number; method: Method; source: string; args: unknown[] };

const statementMethods = ['run', 'get', 'all', 'iterate'] as const;

/**
 * Records every statement executed on the connections `read` and `write` until `stop()`, each with the
 * request `requestOf()` names (the caller's counter) at that moment.
 */
export function recordStatements(read: Database.Database, write: Database.Database, requestOf: () => number) {
	const executed: Executed[] = [];
	const ours = (db: Database.Database) => db === read || db === write;
	const statementProto = Object.getPrototypeOf(read.prepare('select 1')) as Record<string, unknown>;
	const dbProto = Database.prototype as unknown as Record<string, unknown>;
	const originals = new Map<[Record<string, unknown>, string], unknown>();
	const wrap = (
		proto: Record<string, unknown>,
		method: Method,
		sourceOf: (self: never, args: unknown[]) => string
	) => {
		const original = proto[method] as (...args: unknown[]) => unknown;
		originals.set([proto, method], original);
		proto[method] = function (
			this: { database?: Database.Database } & Database.Database,
			...args: unknown[]
		) {
			const db = this.database ?? this;
			if (ours(db))
				executed.push({
					writer: db === write,
					request: requestOf(),
					method,
					source: sourceOf(this as never, args),
					args: method === 'exec' ? [] : args
				});
			return original.apply(this, args);
		};
	};
	for (const m of statementMethods) wrap(statementProto, m, (stmt: { source: string }) => stmt.source);
	wrap(dbProto, 'exec', (_db, args) => String(args[0]));
	return {
		stop() {
			for (const [[proto, method], original] of originals) proto[method] = original;
			return executed;
		}
	};
}

/**
 * Runs `executed` against the SQLite file `file` (a copy of the database as it was when recording
 * began) with the app's pragmas, a read and a write connection as the app has, each statement prepared
 * once beforehand, and the WAL fsynced after each commit as the app's flush does. Returns the CPU time
 * (ms) spent on each request's statements, by request index.
 */
export function replayStatements(file: string, executed: Executed[]): Map<number, number> {
	const write = sqliteConnection(file);
	const read = sqliteConnection(file);
	read.pragma('query_only = ON');
	const prepared = new Map<string, Database.Statement>();
	for (const e of executed) {
		const key = `${e.writer ? 'w' : 'r'}${e.source}`;
		if (e.method === 'exec' || prepared.has(key)) continue;
		const stmt = (e.writer ? write : read).prepare(e.source);
		// Rows as arrays, the cheapest form: the bare SQL, not its mapping.
		prepared.set(key, stmt.reader ? stmt.raw(true) : stmt);
	}
	const wal = openSync(`${file}-wal`, 'r');
	const cpu = new Map<number, number>();
	let i = 0;
	while (i < executed.length) {
		const request = executed[i]!.request;
		const before = process.cpuUsage();
		for (; i < executed.length && executed[i]!.request === request; i++) {
			const e = executed[i]!;
			if (e.method === 'exec') {
				(e.writer ? write : read).exec(e.source);
				if (/^\s*commit/i.test(e.source)) fsyncSync(wal);
				continue;
			}
			const stmt = prepared.get(`${e.writer ? 'w' : 'r'}${e.source}`)!;
			if (e.method === 'iterate') for (const _ of stmt.iterate(...e.args));
			else stmt[e.method](...e.args);
		}
		const used = process.cpuUsage(before);
		cpu.set(request, (cpu.get(request) ?? 0) + (used.user + used.system) / 1000);
	}
	closeSync(wal);
	read.close();
	write.close();
	return cpu;
}
