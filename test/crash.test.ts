// Crash safety: the real server process takes report submissions with attachments from several
// units at once and is killed with SIGKILL at random moments, many times. After every kill the data
// folder is checked as the crash left it, then the server is started again on it:
//   - PRAGMA integrity_check is ok, PRAGMA foreign_key_check is empty, the audit hash chain holds;
//   - no half-saved report (see checkDataDir);
//   - no attachment row points to a missing file, or to a file of another size or content;
//   - every request that was answered 2xx (upload, draft save, submission) is there.
// Files without a row (the server died between writing the file and committing its row) are allowed
// and counted. CRASH_ITERATIONS sets the number of kills (default 10), CRASH_SEED replays the kill
// times of an earlier run.
import { createHash, randomInt } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../api/services/audit.ts';
import { importTable } from '../api/services/imports.ts';
import { snapshotReport } from '../api/services/report-versions.ts';
import { SYSTEM_OFFICE, seedDirectory } from '../api/services/setup.ts';
import { createUser } from '../api/services/users.ts';
import { query, schema } from '../db/client.ts';
import { freePort, startChildServer, type ChildServer, childData } from './support/child-server.ts';
import { Client, csvTable, PASSWORD, SAMPLE_FILES } from './support/harness.ts';

const ITERATIONS = Number(process.env.CRASH_ITERATIONS ?? 10);
const SEED = process.env.CRASH_SEED ? Number(process.env.CRASH_SEED) : randomInt(2 ** 31);
/** Kill after this many ms of load (uniformly at random in between). */
const KILL_AFTER_MS = [200, 1500] as const;
const UNITS = ['省大数据局', '省发展改革委', '省市场监管局', '省财政厅', '杭州市政府', '宁波市政府'];
/** Each unit walks the months from here, one fresh report per submission. */
const FIRST_PERIOD = { year: 2020, month: 1 };
/**
 * The application's "today": after every month the units can reach (a period is never reused, so
 * the months run on for years; the end of the API's date window leaves about 960 per unit).
 */
const TODAY = '2099-12-31';
const LAST_PERIOD = '2099-12';

/** mulberry32: a small seeded PRNG, so a failing run's kill times can be replayed. */
function prng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

function periodOf(n: number) {
	const m = FIRST_PERIOD.year * 12 + FIRST_PERIOD.month - 1 + n;
	return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
}

/** The sample PDF with a comment line unique to the upload, so each stored file can be told apart. */
function pdf(tag: string) {
	const eof = new TextEncoder().encode('%%EOF\n');
	const tail = new TextEncoder().encode(`% ${tag}\n%%EOF\n`);
	const head = SAMPLE_FILES.pdf.subarray(0, SAMPLE_FILES.pdf.length - eof.length);
	const out = new Uint8Array(head.length + tail.length);
	out.set(head);
	out.set(tail, head.length);
	return out;
}

/** The server went away under the request (refused, reset, or the answer cut off). */
class NetworkError extends Error {}
/** The server answered, but not with what the test expects. */
class HttpError extends Error {}

/**
 * The harness client with the Origin a browser sends on changes; a request the dying server cut off and
 * an unexpected answer are told apart.
 */
class HttpClient extends Client {
	constructor(base: string) {
		super(base);
		this.headers = { origin: base };
	}
	async call(method: string, path: string, body?: unknown, expected = 200): Promise<any> {
		let res: Awaited<ReturnType<Client['request']>>;
		try {
			res = await this.request(method, path, body);
		} catch (err) {
			const cause = (err as { cause?: { code?: string; message?: string } }).cause;
			throw new NetworkError(`${method} ${path}: ${cause?.code ?? cause?.message ?? String(err)}`);
		}
		if (res.status !== expected)
			throw new HttpError(`${method} ${path}: ${res.status} ${JSON.stringify(res.data).slice(0, 400)}`);
		return res.data instanceof ArrayBuffer ? new Uint8Array(res.data) : res.data;
	}
}

type UploadAck = { id: number; sha256: string; size: number };
type SaveAck = { unitId: number; period: string; revision: number };
type SubmissionAck = {
	username: string;
	unitId: number;
	period: string;
	reportId: number;
	version: number;
	revision: number;
	items: { indicatorId: number; progress: string; attachmentIds: number[] }[];
};
type Acks = { uploads: UploadAck[]; saves: SaveAck[]; submissions: SubmissionAck[] };

type UnitUser = { username: string; unitName: string; unitId: number; next: number };

/** One life of the server process, until it is killed (or stopped at the end). */
type Life = { server: ChildServer; killed: boolean; interrupted: number; unexpected: string[] };

let submissionSeq = 0;

/** Every unit signs in; a failure here (no kill yet) fails the test with the server's output. */
async function prepareAll(users: UnitUser[], life: Life) {
	try {
		return await Promise.all(users.map((u) => prepare(u, life)));
	} catch (err) {
		throw new Error(`${(err as Error).message}\nserver output:\n${life.server.output()}`, { cause: err });
	}
}

/** Signs in; a system-created account must not be sent to change its password first. */
async function login(client: HttpClient, username: string) {
	const data = await client.call('POST', '/api/v1/auth/login', { username, password: PASSWORD });
	if (data?.mustChangePassword === true || data?.user?.mustChangePassword === true || data?.pending) {
		throw new Error(
			`setup bug: the login of ${username} (created by createUser with actor null) answered ` +
				JSON.stringify({
					mustChangePassword: data?.mustChangePassword ?? data?.user?.mustChangePassword,
					pending: data?.pending
				})
		);
	}
	return data;
}

type Session = { u: UnitUser; client: HttpClient; form: any };

/** A unit user signs in on the new server and loads its form once (the items are the same every month). */
async function prepare(u: UnitUser, life: Life): Promise<Session> {
	const client = new HttpClient(life.server.base);
	await login(client, u.username);
	const form = await client.call('GET', `/api/v1/reports/mine/${periodOf(u.next)}`);
	if (form.unit.id !== u.unitId) throw new HttpError(`form of unit ${form.unit.id}, expected ${u.unitId}`);
	return { u, client, form };
}

/**
 * A unit user's work while the server lives: per month, upload one PDF per item, save a draft with
 * one file, and submit with a file on every item; each 2xx is recorded. A month is never reused.
 * Stops at the first failed request (the kill) or after `limit` submissions.
 */
async function submitLoop({ u, client, form }: Session, life: Life, acks: Acks, limit = Infinity) {
	let done = 0;
	try {
		while (done < limit) {
			const period = periodOf(u.next++);
			if (period > LAST_PERIOD) return;
			const tag = `${u.username} ${period} 第${++submissionSeq}次`;
			const files: UploadAck[] = [];
			for (const item of form.items) {
				const data = pdf(`${tag} ${item.indicatorId}`);
				const upload = new FormData();
				upload.set('file', new File([data], `${period} 进展材料.pdf`));
				const res = await client.call('POST', '/api/v1/attachments', upload, 201);
				const ack = { id: res.id as number, sha256: sha256(data), size: data.length };
				acks.uploads.push(ack);
				files.push(ack);
			}
			const items = (progress: string, filesOf: (i: number) => number[]) =>
				form.items.map((item: any, i: number) => ({
					indicatorId: item.indicatorId,
					progressStatus: 'on_track',
					percent: 50,
					progress,
					problems: '',
					nextSteps: '继续推进',
					values: item.targets.map((t: any) => ({ targetId: t.id, value: t.value / 2 })),
					attachmentIds: filesOf(i)
				}));
			const draft = await client.call('PUT', `/api/v1/reports/mine/${period}`, {
				revision: null,
				items: items(`草稿 ${tag}`, (i) => (i === 0 ? [files[0]!.id] : []))
			});
			acks.saves.push({ unitId: u.unitId, period, revision: draft.report.revision });
			const progress = `已提交 ${tag}`;
			const submitted = await client.call('POST', `/api/v1/reports/mine/${period}/submit`, {
				revision: draft.report.revision,
				items: items(progress, (i) => [files[i]!.id])
			});
			if (submitted.report?.status !== 'submitted')
				throw new HttpError(`submit answered ${JSON.stringify(submitted.report)}`);
			acks.submissions.push({
				username: u.username,
				unitId: u.unitId,
				period,
				reportId: submitted.report.id,
				version: submitted.report.version,
				revision: submitted.report.revision,
				items: form.items.map((item: any, i: number) => ({
					indicatorId: item.indicatorId,
					progress,
					attachmentIds: [files[i]!.id]
				}))
			});
			done++;
		}
	} catch (err) {
		if (err instanceof NetworkError && life.killed) life.interrupted++;
		else life.unexpected.push(`${u.username}: ${(err as Error).message}`);
	}
}

type Figures = {
	reports: number;
	submitted: number;
	attachments: number;
	unlinkedAttachments: number;
	orphanFiles: number;
	partFiles: number;
	auditRows: number;
	lostSubmissions: number;
	lostUploads: number;
	lostSaves: number;
};

/**
 * The kept versions of a report (oldest first) against the rule: submissions numbered 1, 2 … up to
 * the report's version, a return or acceptance numbered as the submission it decided, and at most one
 * draft, the last entry, numbered as the submission it will become.
 */
function keptVersionsFollowTheRule(vs: { version: number; action: string }[], reportVersion: number) {
	let submissions = 0;
	for (const [i, v] of vs.entries()) {
		if (v.action === 'submit') submissions++;
		else if (v.action === 'save') {
			if (i !== vs.length - 1 || v.version !== submissions + 1) return false;
			continue;
		} else if (!submissions) return false;
		if (v.version !== submissions) return false;
	}
	return submissions === reportVersion;
}

/**
 * Opens the database file as the crash left it (read-only; SQLite replays the WAL as any reader
 * would) and lists every violation. A report is half-saved when
 *   - its kept versions break the rule (every write records its version in the same transaction): in
 *     order, submissions numbered 1..report.version, each return or acceptance numbered as the
 *     submission before it, and at most one draft, last, numbered as the next submission; or its
 *     latest version's status is not the report's;
 *   - its current rows (report, items, item values, attachments) differ from the snapshot of its
 *     latest version;
 *   - the number of report.save / submit / return / accept audit rows for it is not its revision;
 *   - it is submitted but lacks submitted_at / first_submitted_at / late, its latest version is not
 *     a 'submit', or it lacks an item (with status and progress) for any of the unit's assignments.
 */
async function checkDataDir(dataDir: string, expectedItems: Map<number, number>, acks: Acks) {
	const problems: string[] = [];
	const sqlite = new Database(join(dataDir, 'duban.db'), { readonly: true, fileMustExist: true });
	try {
		const integrity = sqlite.pragma('integrity_check', { simple: true });
		if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
		const fk = sqlite.pragma('foreign_key_check') as unknown[];
		if (fk.length) problems.push(`foreign_key_check: ${JSON.stringify(fk.slice(0, 5))}`);
		const db = drizzle(sqlite, { schema });
		const chain = await verifyAuditChain(db);
		if (!chain.ok) problems.push(`audit chain broken: ${JSON.stringify(chain.firstBroken)}`);

		type ReportRow = {
			id: number;
			unit_id: number;
			period: string;
			status: string;
			version: number;
			revision: number;
			submitted_at: number | null;
			first_submitted_at: number | null;
			late: number | null;
		};
		const reports = sqlite.prepare('select * from report').all() as ReportRow[];
		const versions = new Map<
			number,
			{ version: number; action: string; status: string; snapshot: string }[]
		>();
		for (const v of sqlite
			.prepare(
				'select report_id, version, action, status, snapshot from report_version order by report_id, id'
			)
			.all() as { report_id: number; version: number; action: string; status: string; snapshot: string }[]) {
			versions.set(v.report_id, [...(versions.get(v.report_id) ?? []), v]);
		}
		type ItemRow = {
			id: number;
			report_id: number;
			indicator_id: number;
			progress_status: string | null;
			progress: string;
		};
		const items = sqlite.prepare('select * from report_item').all() as ItemRow[];
		const itemById = new Map(items.map((i) => [i.id, i]));
		const itemsOf = new Map<number, ItemRow[]>();
		for (const i of items) itemsOf.set(i.report_id, [...(itemsOf.get(i.report_id) ?? []), i]);
		const auditCount = new Map<string, number>();
		for (const r of sqlite
			.prepare(
				`select action, object_id, count(*) as n from audit_log
				 where action in ('report.save', 'report.submit', 'report.return', 'report.accept', 'attachment.upload')
				 group by action, object_id`
			)
			.all() as { action: string; object_id: string; n: number }[]) {
			auditCount.set(`${r.action}:${r.object_id}`, r.n);
		}
		const reportById = new Map(reports.map((r) => [r.id, r]));

		for (const r of reports) {
			const label = `report ${r.id} (unit ${r.unit_id}, ${r.period}, ${r.status} v${r.version} r${r.revision})`;
			const vs = versions.get(r.id) ?? [];
			if (!keptVersionsFollowTheRule(vs, r.version))
				problems.push(`${label}: versions [${vs.map((v) => `v${v.version} ${v.action}`).join(', ')}]`);
			const last = vs.at(-1);
			if (last) {
				if (last.status !== r.status) problems.push(`${label}: latest version has status ${last.status}`);
				const stored = JSON.parse(last.snapshot);
				const current = JSON.parse(JSON.stringify(await snapshotReport(db, r.id)));
				if (!isDeepStrictEqual(stored, current))
					problems.push(`${label}: rows differ from the snapshot of version ${last.version}`);
			}
			const writes = ['save', 'submit', 'return', 'accept']
				.map((action) => auditCount.get(`report.${action}:${r.id}`) ?? 0)
				.reduce((a, b) => a + b);
			if (writes !== r.revision) problems.push(`${label}: ${writes} report write audit rows`);
			if (r.status === 'submitted') {
				if (r.submitted_at === null || r.first_submitted_at === null || r.late === null)
					problems.push(`${label}: submission time or lateness missing`);
				if (last?.action !== 'submit') problems.push(`${label}: latest version is a ${last?.action}`);
				const its = itemsOf.get(r.id) ?? [];
				if (its.length !== expectedItems.get(r.unit_id))
					problems.push(`${label}: ${its.length} items, expected ${expectedItems.get(r.unit_id)}`);
				for (const i of its)
					if (!i.progress_status || !i.progress.trim()) problems.push(`${label}: item ${i.id} incomplete`);
			}
		}

		type AttachmentRow = {
			id: number;
			stored_name: string;
			size: number;
			sha256: string;
			unit_id: number;
			owner_type: string | null;
			owner_id: number | null;
		};
		const attachments = sqlite.prepare('select * from attachment').all() as AttachmentRow[];
		const attachmentById = new Map(attachments.map((a) => [a.id, a]));
		const root = join(dataDir, 'attachments');
		let unlinkedAttachments = 0;
		for (const a of attachments) {
			const label = `attachment ${a.id} (${a.stored_name})`;
			const file = join(root, a.stored_name);
			if (!existsSync(file)) problems.push(`${label}: file missing`);
			else {
				const data = readFileSync(file);
				if (data.length !== a.size)
					problems.push(`${label}: file has ${data.length} bytes, row says ${a.size}`);
				else if (sha256(data) !== a.sha256) problems.push(`${label}: file content differs from its sha256`);
			}
			if (a.owner_type === 'report_item') {
				const item = itemById.get(a.owner_id!);
				if (!item) problems.push(`${label}: linked to missing report item ${a.owner_id}`);
				else if (reportById.get(item.report_id)?.unit_id !== a.unit_id)
					problems.push(`${label}: linked to another unit's report`);
			} else if (a.owner_type === null) unlinkedAttachments++;
			if (!auditCount.get(`attachment.upload:${a.id}`)) problems.push(`${label}: no upload audit row`);
		}
		const storedNames = new Set(attachments.map((a) => a.stored_name));
		let orphanFiles = 0;
		let partFiles = 0;
		if (existsSync(root)) {
			for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
				if (!entry.isFile()) continue;
				const name = relative(root, join(entry.parentPath, entry.name)).split(sep).join('/');
				if (storedNames.has(name)) continue;
				orphanFiles++;
				if (name.endsWith('.part')) partFiles++;
			}
		}

		// Everything answered 2xx is there.
		let lostUploads = 0;
		for (const ack of acks.uploads) {
			const row = attachmentById.get(ack.id);
			if (!row || row.sha256 !== ack.sha256 || row.size !== ack.size) {
				lostUploads++;
				problems.push(`acknowledged upload ${ack.id} ${row ? 'differs' : 'missing'}`);
			}
		}
		let lostSaves = 0;
		const byUnitPeriod = new Map(reports.map((r) => [`${r.unit_id}:${r.period}`, r]));
		for (const ack of acks.saves) {
			const row = byUnitPeriod.get(`${ack.unitId}:${ack.period}`);
			if (!row || row.revision < ack.revision) {
				lostSaves++;
				problems.push(`acknowledged draft of unit ${ack.unitId} ${ack.period} r${ack.revision} missing`);
			}
		}
		let lostSubmissions = 0;
		for (const ack of acks.submissions) {
			const row = reportById.get(ack.reportId);
			const why: string[] = [];
			if (!row) why.push('report missing');
			else {
				if (row.unit_id !== ack.unitId || row.period !== ack.period) why.push('another unit or month');
				if (row.status !== 'submitted') why.push(`status ${row.status}`);
				if (row.version !== ack.version) why.push(`version ${row.version}, answered ${ack.version}`);
				if (row.revision !== ack.revision) why.push(`revision ${row.revision}, answered ${ack.revision}`);
				const its = itemsOf.get(row.id) ?? [];
				for (const want of ack.items) {
					const item = its.find((i) => i.indicator_id === want.indicatorId);
					if (!item) why.push(`item for indicator ${want.indicatorId} missing`);
					else {
						if (item.progress !== want.progress) why.push(`item ${item.id} has other text`);
						for (const id of want.attachmentIds) {
							const a = attachmentById.get(id);
							if (a?.owner_type !== 'report_item' || a.owner_id !== item.id)
								why.push(`attachment ${id} not linked to item ${item.id}`);
						}
					}
				}
			}
			if (why.length) {
				lostSubmissions++;
				problems.push(
					`acknowledged submission ${ack.username} ${ack.period} #${ack.reportId}: ${why.join('; ')}`
				);
			}
		}
		const figures: Figures = {
			reports: reports.length,
			submitted: reports.filter((r) => r.status === 'submitted').length,
			attachments: attachments.length,
			unlinkedAttachments,
			orphanFiles,
			partFiles,
			auditRows: chain.rows,
			lostSubmissions,
			lostUploads,
			lostSaves
		};
		return { problems, figures };
	} finally {
		sqlite.close();
	}
}

let dataDir: string | null = null;
let current: ChildServer | null = null;
let passed = false;
afterAll(async () => {
	if (current && current.proc.exitCode === null && current.proc.signalCode === null) {
		current.proc.kill('SIGKILL');
		await current.exited;
	}
	if (dataDir && passed) rmSync(dataDir, { recursive: true, force: true });
	else if (dataDir) console.log(`crash test: data folder kept for inspection: ${dataDir}`);
});

describe('crash safety', () => {
	it(
		`keeps every acknowledged submission and no half-saved state across ${ITERATIONS} SIGKILLs`,
		async () => {
			const started = performance.now();
			const random = prng(SEED);
			console.log(
				`crash test: ${ITERATIONS} kills, seed ${SEED} (CRASH_SEED=${SEED} replays the kill times)`
			);
			// The schema, the unit directory, a small plan and the accounts, before the first start; the
			// server's own clock (DUBAN_TODAY), so password ages and the like agree with it.
			// SQLite only (the checks below read the file a killed server left): the `node` project.
			const data = await childData('crash', TODAY);
			dataDir = data.dataDir;
			const { env, db, config } = data;
			const ctx = { db, clock: data.clock, config, mailer: null };
			await seedDirectory({ ...ctx, actor: null, ip: null });
			const rows = [
				...UNITS.map((name, i) => [
					'崩溃测试',
					'',
					`单位任务${i + 1}`,
					`${name}事项网办率达到90%`,
					'2020年12月底前',
					name
				]),
				['崩溃测试', '', '共同任务', '数据共享接口调用次数达到1000万次', '2020年12月底前', UNITS.join('、')]
			];
			const imported = await importTable(
				{ ...ctx, actor: SYSTEM_OFFICE, ip: null },
				{
					data: new TextEncoder().encode(csvTable(rows)),
					fileName: 'crash.csv',
					plan: { title: '崩溃测试计划', year: 2020, issuedOn: '2020-01-01' },
					createUnits: false,
					dryRun: false
				}
			);
			expect(imported.errors).toEqual([]);
			const users: UnitUser[] = [];
			for (const [i, unitName] of UNITS.entries()) {
				const username = `crash-unit-${i + 1}`;
				await createUser(
					{ ...ctx, actor: null, ip: null },
					{ username, name: `${unitName}填报员`, role: 'unit', unitName, password: PASSWORD }
				);
				const unitId = (
					await query<{ id: number }>(db, sql`select id from unit where name = ${unitName}`)
				)[0]!.id;
				users.push({ username, unitName, unitId, next: 0 });
			}
			await createUser(
				{ ...ctx, actor: null, ip: null },
				{ username: 'crash-office', name: '联席办', role: 'office', password: PASSWORD }
			);
			const expectedItems = new Map(
				(
					await query<{ unit_id: number; n: number }>(
						db,
						sql`select unit_id, count(*) as n from assignment group by unit_id`
					)
				).map((r) => [r.unit_id, r.n])
			);
			await data.close();

			const port = await freePort();
			const acks: Acks = { uploads: [], saves: [], submissions: [] };
			const unexpected: string[] = [];
			const problems: string[] = [];
			let interrupted = 0;
			let last: Figures | null = null;

			const check = async (when: string) => {
				const result = await checkDataDir(dataDir!, expectedItems, acks);
				problems.push(...result.problems.map((p) => `${when}: ${p}`));
				last = result.figures;
				return result.figures;
			};

			for (let n = 1; n <= ITERATIONS; n++) {
				current = await startChildServer(env, { port });
				const life: Life = { server: current, killed: false, interrupted: 0, unexpected: [] };
				const before = acks.submissions.length;
				const delay = Math.round(KILL_AFTER_MS[0] + random() * (KILL_AFTER_MS[1] - KILL_AFTER_MS[0]));
				// Sign-ins first (argon2id takes a while on two cores), then the kill comes `delay` ms into the load.
				const sessions = await prepareAll(users, life);
				const load = Promise.all(sessions.map((session) => submitLoop(session, life, acks)));
				await new Promise((r) => setTimeout(r, delay));
				if (current.proc.exitCode !== null || current.proc.signalCode !== null)
					life.unexpected.push(`server ended by itself before the kill:\n${current.output()}`);
				life.killed = true;
				current.proc.kill('SIGKILL');
				const end = await current.exited;
				await load;
				if (end.signal !== 'SIGKILL') life.unexpected.push(`server exit ${JSON.stringify(end)}`);
				if (life.unexpected.length) life.unexpected.push(`server output:\n${current.output()}`);
				interrupted += life.interrupted;
				unexpected.push(...life.unexpected.map((u) => `life ${n}: ${u}`));
				const f = await check(`after kill ${n}`);
				console.log(
					`kill ${n}/${ITERATIONS} after ${delay} ms: +${acks.submissions.length - before} submissions acknowledged ` +
						`(${acks.submissions.length} in all), ${life.interrupted} requests cut off; ` +
						`reports ${f.reports} (submitted ${f.submitted}), attachments ${f.attachments} ` +
						`(unlinked ${f.unlinkedAttachments}), orphan files ${f.orphanFiles} (.part ${f.partFiles}), ` +
						`lost ${f.lostSubmissions + f.lostUploads + f.lostSaves}`
				);
				if (life.unexpected.length || problems.length) break;
			}

			const ackedBeforeLastKill = acks.submissions.length;
			// One more life: the server starts on what the last crash left, every unit can still submit,
			// and the office sees every acknowledged submission; then a clean stop and the last check.
			if (!unexpected.length && !problems.length) {
				current = await startChildServer(env, { port });
				const life: Life = { server: current, killed: false, interrupted: 0, unexpected: [] };
				const before = acks.submissions.length;
				const sessions = await prepareAll(users, life);
				await Promise.all(sessions.map((session) => submitLoop(session, life, acks, 1)));
				unexpected.push(...life.unexpected.map((u) => `final life: ${u}`));
				if (acks.submissions.length - before !== users.length)
					problems.push(
						`final life: ${acks.submissions.length - before} of ${users.length} units could submit`
					);

				const office = new HttpClient(current.base);
				await login(office, 'crash-office');
				const seen = new Map<number, { status: string; version: number; items: number }>();
				for (let page = 1; ; page++) {
					const list = await office.call('GET', `/api/v1/reports?status=submitted&pageSize=500&page=${page}`);
					for (const r of list.items) seen.set(r.id, r);
					if (page * 500 >= list.total) break;
				}
				for (const ack of acks.submissions) {
					const r = seen.get(ack.reportId);
					if (!r || r.version !== ack.version || r.items !== ack.items.length)
						problems.push(`final: the office does not see submission #${ack.reportId} as acknowledged`);
				}
				// A sample of the files in acknowledged submissions (what the office may read: a file in a
				// draft or in no report stays with its unit) comes back through the API byte for byte.
				const submitted = new Set(acks.submissions.flatMap((s) => s.items.flatMap((i) => i.attachmentIds)));
				for (const ack of acks.uploads.filter((a) => submitted.has(a.id)).filter((_, i) => i % 25 === 0)) {
					const data = await office.call('GET', `/api/v1/attachments/${ack.id}`);
					if (sha256(data) !== ack.sha256) problems.push(`final: attachment ${ack.id} downloads other bytes`);
				}
				current.proc.kill('SIGTERM');
				const end = await current.exited;
				if (end.code !== 0) unexpected.push(`final stop: ${JSON.stringify(end)}\n${current.output()}`);
				await check('at the end');
			}

			const f = last as Figures | null;
			const seconds = ((performance.now() - started) / 1000).toFixed(1);
			console.log(
				`crash test summary: seed ${SEED}, ${ITERATIONS} kills, ${acks.submissions.length} submissions acknowledged ` +
					`(${acks.uploads.length} uploads, ${acks.saves.length} draft saves), ${interrupted} requests cut off, ` +
					`losses ${f ? f.lostSubmissions + f.lostUploads + f.lostSaves : '?'}, ` +
					`orphan files ${f?.orphanFiles ?? '?'} (.part ${f?.partFiles ?? '?'}), ` +
					`unlinked attachment rows ${f?.unlinkedAttachments ?? '?'}, reports ${f?.reports ?? '?'}, ` +
					`audit rows ${f?.auditRows ?? '?'}, ${seconds} s`
			);
			expect(unexpected).toEqual([]);
			expect(problems).toEqual([]);
			expect(f?.lostSubmissions).toBe(0);
			// The kills did land while submissions were being acknowledged.
			expect(ackedBeforeLastKill).toBeGreaterThan(0);
			passed = true;
		},
		60_000 + ITERATIONS * 20_000
	);
});
