import { daysBetween } from './days.ts';
import type { AlertKind } from './enums.ts';
import { reasonText, type ReasonParams } from './reasons.ts';

/**
 * What the system says to a person (a bell notification, a reminder) is stored as a code and its
 * parameters and rendered in the reader's language: the server renders Chinese for mail and as the
 * stored fallback, the web app renders the bell in the language the user picked. Texts written by people
 * (reasons, comments, indicator texts) travel as parameters and stay as written.
 */
type Role = 'lead' | 'co';
type Level = 'blue' | 'yellow' | 'red';
type Item = { text: string; note: string };
type Reason = { kind: AlertKind; params: ReasonParams };

export type MessageParams = {
	'report.accepted': { period: string; comment: string | null; items: Item[] };
	'report.returned': { period: string; reason: string; items: Item[] };
	'request.decided': {
		kind: 'completion' | 'extension';
		approved: boolean;
		text: string;
		newDueOn: string | null;
		note: string | null;
	};
	'milestone.decided': { approved: boolean; text: string; version: number; note: string | null };
	'plan.due_moved': { text: string; dueOn: string; previous: string | null };
	'plan.assigned': { role: Role; task: string; text: string; dueOn: string | null };
	'part.handed': {
		from: string;
		task: string;
		text: string;
		role: Role;
		dueOn: string;
		signBy: string;
		shares: { label: string; value: number; unit: string; atLeast: boolean }[];
	};
	'plan.changed': {
		added: { text: string; role: Role }[];
		removed: { text: string; role: Role }[];
		moved: { text: string; from: string | null; to: string | null }[];
	};
	'notice.issued': { number: string; level: Level; message: string; answerDueOn: string | null };
	'notice.answered': { number: string; unit: string; text: string };
	'notice.answer_accepted': { number: string; note: string | null };
	'notice.answer_returned': { number: string; note: string; answerDueOn: string | null };
	'bulletin.published': { number: string; title: string };
	'remind.report_due': { period: string; dueOn: string };
	'remind.report_missing': { period: string; reason: Reason };
	'remind.indicator_due': { task: string; text: string; dueOn: string; role: Role };
	'remind.indicator_overdue': { task: string; text: string; dueOn: string; nth: number };
	'remind.notice_overdue': { number: string; answerDueOn: string };
	'office.digest': { day: string; red: number; redUnits: number; missing: number; escalate: number };
	'security.login_attack': {
		username: string;
		name: string;
		minutes: number;
		attempts: number;
		addresses: number;
		owner: boolean;
	};
};
export type MessageCode = keyof MessageParams;
export type NoticeMessage = { [C in MessageCode]: { code: C; params: MessageParams[C] } }[MessageCode];
export type Rendered = { title: string; body: string };
type Locale = 'zh' | 'en';

const short = (text: string, n = 40) => (text.length > n ? `${text.slice(0, n)}…` : text);
const ROLE = { zh: { lead: '牵头', co: '配合' }, en: { lead: 'lead', co: 'co-unit' } } as const;
const LEVEL = {
	zh: { blue: '蓝色', yellow: '黄色', red: '红色' },
	en: { blue: 'Blue', yellow: 'Yellow', red: 'Red' }
};
const KIND = {
	zh: { completion: '办结申请', extension: '延期申请' },
	en: { completion: 'Completion request', extension: 'Extension request' }
};

type Renderers = { [C in MessageCode]: (p: MessageParams[C], day: string) => Rendered };

const zh: Renderers = {
	'report.accepted': (p) => ({
		title: `${p.period} 月报已审核通过`,
		body: [
			p.comment ? `联席办意见：${p.comment}` : '联席办已审核通过本月月报。',
			...p.items.map((i) => `${short(i.text, 30)}：${i.note}`)
		].join('；')
	}),
	'report.returned': (p) => ({
		title: `${p.period} 月报被退回，请修改后重新报送`,
		body: [`退回原因：${p.reason}`, ...p.items.map((i) => `${short(i.text, 30)}：${i.note}`)].join('；')
	}),
	'request.decided': (p) => ({
		title: `${KIND.zh[p.kind]}${p.approved ? '已批准' : '未同意'}：${short(p.text)}`,
		body:
			(p.approved && p.newDueOn ? `截止日期调整为 ${p.newDueOn}。` : '') +
			(p.note ? `联席办意见：${p.note}` : p.approved ? '联席办已同意。' : '')
	}),
	'milestone.decided': (p) => ({
		title: `里程碑计划第 ${p.version} 版${p.approved ? '已批准' : '被退回'}：${short(p.text)}`,
		body: p.approved
			? '即日起，月报和预警灯按该计划的月度里程碑判断进度。'
			: `退回理由：${p.note ?? ''}；请修改后重新提交，原批准的计划继续有效。`
	}),
	'plan.due_moved': (p) => ({
		title: `计划调整：截止日期调整为 ${p.dueOn}`,
		body: `${short(p.text)}（原截止 ${p.previous ?? '无'}）`
	}),
	'plan.assigned': (p) => ({
		title: `计划调整：新增${ROLE.zh[p.role]}任务`,
		body: `${p.task}：${p.text}${p.dueOn ? `（截止 ${p.dueOn}）` : ''}`
	}),
	'part.handed': (p) => ({
		title: `${p.from}交办任务，请于 ${p.signBy} 前签收`,
		body: [
			`${p.task}：${p.text}（${ROLE.zh[p.role]}，截止 ${p.dueOn}）`,
			...p.shares.map((s) => `本单位分解目标：${s.label}${s.atLeast ? '不少于' : ''} ${s.value}${s.unit}`)
		].join('；')
	}),
	'plan.changed': (p) => ({
		title: `计划调整：${[
			p.added.length ? `新增任务 ${p.added.length} 项` : '',
			p.removed.length ? `撤销任务 ${p.removed.length} 项` : '',
			p.moved.length ? `截止日期变更 ${p.moved.length} 项` : ''
		]
			.filter(Boolean)
			.join('，')}`,
		body: [
			...p.added.map((a) => `新增（${ROLE.zh[a.role]}）${short(a.text)}`),
			...p.removed.map((a) => `撤销（${ROLE.zh[a.role]}）${short(a.text)}`),
			...p.moved.map((m) => `${short(m.text)}：截止 ${m.from ?? '无'} → ${m.to ?? '无'}`)
		].join('；')
	}),
	'notice.issued': (p) => ({
		title: `${p.number} ${LEVEL.zh[p.level]}督办通知`,
		body: `${p.message}（请签收并于 ${p.answerDueOn} 前反馈办理情况）`
	}),
	'notice.answered': (p) => ({
		title: `${p.number} 已反馈办理情况，待审核`,
		body: `${p.unit}：${short(p.text, 80)}`
	}),
	'notice.answer_accepted': (p) => ({
		title: `${p.number} 办理情况反馈已通过（已办结）`,
		body: p.note || '联席办已认可你单位的办理情况反馈。'
	}),
	'notice.answer_returned': (p) => ({
		title: `${p.number} 需重新反馈办理情况`,
		body: `理由：${p.note}（请于 ${p.answerDueOn} 前重新反馈）`
	}),
	'bulletin.published': (p) => ({ title: `${p.number} ${p.title}`, body: '联席办发布了新的督查通报。' }),
	'remind.report_due': (p, day) => ({
		title: `${p.period} 月报将于 ${p.dueOn} 截止`,
		body: `还有 ${daysBetween(day, p.dueOn)} 天，请按时报送本月工作完成情况`
	}),
	'remind.report_missing': (p, day) => ({
		title: `${p.period} 月报超期未报`,
		body: reasonText(p.reason.kind, p.reason.params, day, 'zh')
	}),
	'remind.indicator_due': (p, day) => ({
		title: `${p.task}：${short(p.text)}`,
		body: `还有 ${daysBetween(day, p.dueOn)} 天到期（${ROLE.zh[p.role]}）`
	}),
	'remind.indicator_overdue': (p, day) => ({
		title: `${p.task}：${short(p.text)}`,
		body: `已逾期 ${daysBetween(p.dueOn, day)} 天，尚未办结（第 ${p.nth} 次逾期提醒）`
	}),
	'remind.notice_overdue': (p) => ({
		title: `${p.number} 督办通知逾期未反馈`,
		body: `反馈期限 ${p.answerDueOn} 已过，请尽快报送办理情况`
	}),
	'office.digest': (p) => ({
		title: `督办日报（${p.day}）`,
		body: `新增红灯指标 ${p.red} 项（涉及 ${p.redUnits} 个单位），超期未报月报 ${p.missing} 份，需督办 ${p.escalate} 项`
	}),
	'security.login_attack': (p) => ({
		title: '账户正遭受登录尝试',
		body:
			`账户 ${p.username}（${p.name}）在 ${p.minutes} 分钟内有 ${p.attempts} 次失败或被拒绝的登录，` +
			`来自 ${p.addresses} 个地址。每个地址的尝试次数已受限制，本人从常用地址登录不受影响。` +
			(p.owner
				? '如非本人操作，请确认密码足够强，并在“账户”页启用动态验证码。'
				: '请在“安全管理”中查看该账户的状态与审计日志。')
	})
};

const en: Renderers = {
	'report.accepted': (p) => ({
		title: `The ${p.period} report was accepted`,
		body: [
			p.comment ? `Office's comment: ${p.comment}` : 'The office accepted this month’s report.',
			...p.items.map((i) => `${short(i.text, 30)}: ${i.note}`)
		].join('; ')
	}),
	'report.returned': (p) => ({
		title: `The ${p.period} report was returned: please revise and submit again`,
		body: [`Reason: ${p.reason}`, ...p.items.map((i) => `${short(i.text, 30)}: ${i.note}`)].join('; ')
	}),
	'request.decided': (p) => ({
		title: `${KIND.en[p.kind]} ${p.approved ? 'approved' : 'rejected'}: ${short(p.text)}`,
		body:
			(p.approved && p.newDueOn ? `New due date ${p.newDueOn}. ` : '') +
			(p.note ? `Office's note: ${p.note}` : p.approved ? 'The office agreed.' : '')
	}),
	'milestone.decided': (p) => ({
		title: `Milestone plan version ${p.version} ${p.approved ? 'approved' : 'returned'}: ${short(p.text)}`,
		body: p.approved
			? 'From today, reports and lights are judged against its monthly milestones.'
			: `Reasons: ${p.note ?? ''}; please revise and submit again (the approved plan stays in force).`
	}),
	'plan.due_moved': (p) => ({
		title: `Plan change: due date moved to ${p.dueOn}`,
		body: `${short(p.text)} (was ${p.previous ?? 'none'})`
	}),
	'plan.assigned': (p) => ({
		title: `Plan change: a new ${ROLE.en[p.role]} assignment`,
		body: `${p.task}: ${p.text}${p.dueOn ? ` (due ${p.dueOn})` : ''}`
	}),
	'part.handed': (p) => ({
		title: `${p.from} handed you a part: please sign for it by ${p.signBy}`,
		body: [
			`${p.task}: ${p.text} (${ROLE.en[p.role]}, due ${p.dueOn})`,
			...p.shares.map((s) => `Your share: ${s.label}${s.atLeast ? ' at least' : ''} ${s.value}${s.unit}`)
		].join('; ')
	}),
	'plan.changed': (p) => ({
		title: `Plan change: ${[
			p.added.length ? `${p.added.length} assignment(s) added` : '',
			p.removed.length ? `${p.removed.length} removed` : '',
			p.moved.length ? `${p.moved.length} due date(s) changed` : ''
		]
			.filter(Boolean)
			.join(', ')}`,
		body: [
			...p.added.map((a) => `Added (${ROLE.en[a.role]}) ${short(a.text)}`),
			...p.removed.map((a) => `Removed (${ROLE.en[a.role]}) ${short(a.text)}`),
			...p.moved.map((m) => `${short(m.text)}: due ${m.from ?? 'none'} → ${m.to ?? 'none'}`)
		].join('; ')
	}),
	'notice.issued': (p) => ({
		title: `${p.number} ${LEVEL.en[p.level]} urge notice`,
		body: `${p.message} (please sign for it and answer by ${p.answerDueOn})`
	}),
	'notice.answered': (p) => ({
		title: `${p.number} answered, to review`,
		body: `${p.unit}: ${short(p.text, 80)}`
	}),
	'notice.answer_accepted': (p) => ({
		title: `${p.number}: your answer was accepted (closed)`,
		body: p.note || 'The office accepted your unit’s answer.'
	}),
	'notice.answer_returned': (p) => ({
		title: `${p.number}: please answer again`,
		body: `Reason: ${p.note} (answer again by ${p.answerDueOn})`
	}),
	'bulletin.published': (p) => ({
		title: `${p.number} ${p.title}`,
		body: 'The office published a new bulletin.'
	}),
	'remind.report_due': (p, day) => ({
		title: `The ${p.period} report is due on ${p.dueOn}`,
		body: `${daysBetween(day, p.dueOn)} days left: please submit this month’s progress on time`
	}),
	'remind.report_missing': (p, day) => ({
		title: `The ${p.period} report is missing`,
		body: reasonText(p.reason.kind, p.reason.params, day, 'en')
	}),
	'remind.indicator_due': (p, day) => ({
		title: `${p.task}: ${short(p.text)}`,
		body: `Due in ${daysBetween(day, p.dueOn)} days (${ROLE.en[p.role]})`
	}),
	'remind.indicator_overdue': (p, day) => ({
		title: `${p.task}: ${short(p.text)}`,
		body: `${daysBetween(p.dueOn, day)} days overdue, not signed off (overdue reminder no. ${p.nth})`
	}),
	'remind.notice_overdue': (p) => ({
		title: `${p.number}: urge notice not answered in time`,
		body: `The answer was due on ${p.answerDueOn}: please report what was done`
	}),
	'office.digest': (p) => ({
		title: `Daily supervision digest (${p.day})`,
		body: `${p.red} new red indicators (${p.redUnits} units), ${p.missing} monthly reports missing, ${p.escalate} to urge`
	}),
	'security.login_attack': (p) => ({
		title: 'An account is under sign-in attempts',
		body:
			`Account ${p.username} (${p.name}) had ${p.attempts} failed or refused sign-ins in ${p.minutes} minutes, ` +
			`from ${p.addresses} address(es). Each address is limited; the owner signing in from a usual address is not affected. ` +
			(p.owner
				? 'If this was not you, make sure the password is strong and turn on one-time codes on the Account page.'
				: 'Check the account’s state and audit log under Security.')
	})
};

const RENDERERS: Record<Locale, Renderers> = { zh, en };

/** Every message code (for the catalogue test). */
export const MESSAGE_CODES = Object.keys(zh) as MessageCode[];

/** The title and body of a message as read on `day`, in Chinese or English. */
export function messageText(m: NoticeMessage, day: string, locale: Locale = 'zh'): Rendered {
	const render = RENDERERS[locale][m.code] as (p: unknown, day: string) => Rendered;
	return render(m.params, day);
}
