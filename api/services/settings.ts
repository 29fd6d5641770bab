import { z } from 'zod';
import { dateSchema } from '../lib/validate.ts';
import { setting, UNIT_KINDS } from '../../db/schema/index.ts';
import { type Db, prepared, transactionMemo, withTransaction } from '../../db/client.ts';

/** A ranking category: units listed by name, or of these kinds; a private one is scored but not published. */
export const RANKING_CATEGORY = z.object({
	name: z.string().trim().min(1, '请填写类别名称').max(40, '类别名称不超过40个字'),
	kinds: z.array(z.enum(UNIT_KINDS)).default([]),
	units: z.array(z.string().trim().min(1).max(100)).max(500).default([]),
	public: z.boolean()
});
export type RankingCategory = z.infer<typeof RANKING_CATEGORY>;

/**
 * No office publicly ranks the people's congress, the CPPCC, courts and procuratorates, nor central
 * agencies' branches and companies it does not lead: they are scored for the office's own eyes only.
 */
const DEFAULT_CATEGORIES: RankingCategory[] = [
	{
		name: '人大、政协、法院、检察院',
		kinds: [],
		units: ['省人大常委会办公厅', '省政协办公厅', '省法院', '省检察院', '杭州市中院'],
		public: false
	},
	{
		name: '中央驻浙单位和企业',
		kinds: ['other'],
		units: ['浙江省税务局', '杭州海关', '宁波海关', '省银保监局', '省电力公司'],
		public: false
	},
	{ name: '省级部门', kinds: ['provincial'], units: [], public: true },
	{ name: '设区市', kinds: ['city'], units: [], public: true },
	{ name: '县（市、区）', kinds: ['county'], units: [], public: true }
];

/** Every setting with its default; the stored value (if any) overrides it. */
export const SETTINGS = z.object({
	/** Day of the month monthly reports are due; 0 = the last day of the month. */
	reportDueDay: z.number().int().min(0).max(31).default(0),
	attachmentMaxMb: z.number().positive().max(200).default(20),
	/** Yellow when an open indicator is due within this many days. */
	dueSoonDays: z.number().int().min(0).max(90).default(15),
	/** Yellow when reported progress is this many points behind the time-proportional expectation (序时进度). */
	behindPoints: z.number().min(0).max(100).default(10),
	reportReminderDays: z.array(z.number().int().min(1).max(31)).default([5, 1]),
	indicatorReminderDays: z.array(z.number().int().min(1).max(90)).default([15, 7, 3, 1]),
	overdueReminderEveryDays: z.number().int().min(1).max(60).default(7),
	/** After this many overdue reminders the office digest asks for an urge notice. */
	escalateAfterReminders: z.number().int().min(1).max(10).default(2),
	/** Working days a unit has to answer an urge notice, by its level (the office may set another date). */
	noticeAnswerDays: z
		.object({
			blue: z.number().int().min(1).max(60),
			yellow: z.number().int().min(1).max(60),
			red: z.number().int().min(1).max(60)
		})
		.default({ blue: 5, yellow: 3, red: 2 }),
	/** A report returned this many days or fewer before its reporting due day (or after it) is mailed at once. */
	urgentReturnDays: z.number().int().min(0).max(31).default(3),
	mailMaxAttempts: z.number().int().min(1).max(20).default(6),
	/**
	 * Unit score for a month (see ranking.ts): 100 minus these per missing or late report (报送及时性), per
	 * indicator behind 序时进度 or reported 滞后 (推进进度), per overdue indicator as lead or co (逾期),
	 * per return of the month's report (报送质量); plus the office's 加分/减分 entries.
	 */
	scoreMissingReport: z.number().min(0).max(100).default(10),
	scoreLateReport: z.number().min(0).max(100).default(3),
	scoreBehind: z.number().min(0).max(100).default(1),
	scoreRedLead: z.number().min(0).max(100).default(5),
	scoreRedCo: z.number().min(0).max(100).default(2),
	scoreReturned: z.number().min(0).max(100).default(1),
	/** Units are ranked within these categories, in this order; a unit falls in the first that names it or its kind. */
	rankingCategories: z
		.array(RANKING_CATEGORY)
		.min(1, '至少设置一个排名类别')
		.max(20)
		.refine((list) => new Set(list.map((c) => c.name)).size === list.length, '排名类别名称不能重复')
		.default(DEFAULT_CATEGORIES),
	/** Working days the units named in a bulletin's 整改要求 have to answer (一周 = 5). */
	rectificationDays: z.number().int().min(1).max(30).default(5),
	/**
	 * After this many failed sign-ins of one username from one address within the window (minutes), that
	 * address is refused for that username until the failures leave the window; other addresses are not.
	 */
	lockoutThreshold: z.number().int().min(3).max(20).default(5),
	lockoutMinutes: z.number().int().min(1).max(1440).default(15),
	/** Failed sign-ins from one address within the lockout window before it gets 429 (a whole office may share one). */
	loginIpMaxFailures: z.number().int().min(5).max(1000).default(30),
	/** Failed or refused sign-ins of one account from anywhere within the window that alert its owner and the security admins. */
	loginAlertAttempts: z.number().int().min(3).max(1000).default(10),
	/** Password policy; the defaults are MLPS 2.0 level 3 (ASVS would drop the expiry: set it to 0). */
	passwordMinLength: z.number().int().min(8).max(64).default(8),
	passwordMinClasses: z.number().int().min(1).max(4).default(3),
	passwordMaxAgeDays: z.number().int().min(0).max(365).default(90),
	/** Administrators (system, security, audit) must sign in with a TOTP code as well. */
	totpRequiredForAdmins: z.boolean().default(false),
	/** The office that issues bulletins (通报) and urge notices. */
	officeName: z.string().default('省推进政府数字化转型联席会议办公室'),
	/** Set when demo data was loaded: the simulated history runs up to this day, the demo's "today". */
	demoDate: dateSchema.nullable().default(null)
});

export type Settings = z.infer<typeof SETTINGS>;

/** The settings that are the security admin's policies rather than the business's. */
export const POLICY_KEYS = [
	'lockoutThreshold',
	'lockoutMinutes',
	'loginIpMaxFailures',
	'loginAlertAttempts',
	'passwordMinLength',
	'passwordMinClasses',
	'passwordMaxAgeDays',
	'totpRequiredForAdmins'
] as const satisfies readonly (keyof Settings)[];
export const POLICY = SETTINGS.pick(
	Object.fromEntries(POLICY_KEYS.map((k) => [k, true])) as {
		[K in (typeof POLICY_KEYS)[number]]: true;
	}
);
export type Policy = z.infer<typeof POLICY>;

/** The stored rows, read on nearly every request (the session check, the report form). */
const allSettings = prepared((db) => db.select().from(setting).prepare());

/** The settings last parsed and the stored rows they came from: nearly every read finds them unchanged. */
let last: { stored: string; settings: Settings } | null = null;

/** The key of the settings in a transaction's memo: read once a transaction (a demo day calls hundreds of services). */
const MEMO_KEY = Symbol('settings');

/**
 * Every setting (parsed again only when the stored rows changed; callers must not modify the result).
 * Inside a transaction, read once: its own putSetting drops what it kept.
 */
export async function getSettings(db: Db): Promise<Settings> {
	const memo = transactionMemo(db);
	const kept = memo?.get(MEMO_KEY) as Settings | undefined;
	if (kept) return kept;
	const settings = await readSettings(db);
	memo?.set(MEMO_KEY, settings);
	return settings;
}

async function readSettings(db: Db): Promise<Settings> {
	const rows = await allSettings(db).execute();
	const stored = JSON.stringify(rows.map((s) => [s.key, s.value]));
	if (last?.stored !== stored)
		last = {
			stored,
			settings: deepFreeze(SETTINGS.parse(Object.fromEntries(rows.map((s) => [s.key, s.value]))))
		};
	return last.settings;
}

function deepFreeze<T>(value: T): T {
	if (value && typeof value === 'object') for (const v of Object.values(Object.freeze(value))) deepFreeze(v);
	return value;
}

export async function putSetting<K extends keyof Settings>(db: Db, key: K, value: Settings[K], now: Date) {
	SETTINGS.shape[key].parse(value);
	await withTransaction({ db }, async ({ db }) => {
		await db
			.insert(setting)
			.values({ key, value, updatedAt: now })
			.onConflictDoUpdate({ target: setting.key, set: { value, updatedAt: now } });
		transactionMemo(db)?.delete(MEMO_KEY);
	});
}
