import { z } from 'zod';
import { ACCOUNT_KINDS, ROLES } from '../../../web/src/lib/rules/enums.ts';
import {
	CSV,
	XLSX,
	count,
	file,
	id,
	importReport,
	json,
	list,
	obj,
	page,
	timestamp,
	unitRef
} from './shapes.ts';
import type { Contract } from './types.ts';

const role = z.enum(ROLES);
export const userRow = obj({
	id,
	username: z.string(),
	name: z.string(),
	role,
	kind: z.enum(ACCOUNT_KINDS),
	email: z.string().nullable(),
	disabled: z.boolean(),
	unitName: z.string().nullable(),
	mustChangePassword: z.boolean(),
	passwordChangedAt: timestamp.nullable(),
	createdAt: timestamp,
	totpEnabled: z.boolean(),
	lockedUntil: timestamp.nullable(),
	locked: z.boolean(),
	may: z.array(z.string()).describe('what the caller may do to this account (create, disable, unlock …)'),
	roles: z.array(role).describe('the roles this account may be given')
});
const disabledReply = obj({ disabled: z.boolean(), endedSessions: count });
const endedReply = obj({ ended: count });
const sessionRow = obj({
	id: z.string().describe('SHA-256 of the session token'),
	userId: id,
	username: z.string(),
	name: z.string(),
	role,
	unitName: z.string().nullable(),
	ip: z.string().nullable(),
	userAgent: z.string().nullable(),
	createdAt: timestamp,
	lastSeenAt: timestamp,
	expiresAt: timestamp,
	current: z.boolean()
});
const policy = obj({
	lockoutThreshold: z.number().int(),
	lockoutMinutes: z.number().int(),
	loginIpMaxFailures: z.number().int(),
	loginAlertAttempts: z.number().int(),
	passwordMinLength: z.number().int(),
	passwordMinClasses: z.number().int(),
	passwordMaxAgeDays: z.number().int(),
	totpRequiredForAdmins: z.boolean()
});
const auditRow = obj({
	id,
	at: timestamp,
	username: z.string().nullable(),
	unitName: z.string().nullable(),
	action: z.string(),
	objectType: z.string().nullable(),
	objectId: z.string().nullable(),
	result: z.enum(['ok', 'failed', 'denied']),
	ip: z.string().nullable(),
	before: json,
	after: json
});
const MAIL_STATUSES = ['queued', 'sent', 'failed'] as const;
const mailRow = obj({
	id,
	recipient: z.string(),
	subject: z.string(),
	status: z.enum(MAIL_STATUSES),
	attempts: count,
	lastError: z.string().nullable(),
	createdAt: timestamp,
	sentAt: timestamp.nullable()
});
const mailDetail = mailRow.extend({
	dedupeKey: z.string(),
	text: z.string(),
	html: z.string(),
	messageId: z.string(),
	nextAttemptAt: timestamp
});
const jobRunRow = obj({
	id,
	job: z.string(),
	day: z.string(),
	outcome: z.enum(['ok', 'failed', 'running']),
	counts: json,
	error: z.string().nullable(),
	scheduledAt: timestamp,
	startedAt: timestamp,
	finishedAt: timestamp.nullable()
});
export const adminContract: Contract = {
	'GET /users': { id: 'listUsers', description: '业务账户和管理员账户（按职责可见）。', ok: list(userRow) },
	'POST /users': {
		id: 'createUser',
		description: '创建业务账户：初始密码只显示一次，须在首次登录时修改。',
		ok: obj({ id, username: z.string(), role, kind: z.enum(ACCOUNT_KINDS) }),
		status: 201,
		errors: [409, 415, 422]
	},
	'POST /users/{id}/disable': {
		id: 'disableUser',
		description: '停用账户并立即结束其会话。',
		ok: disabledReply,
		errors: [409, 422]
	},
	'POST /users/{id}/enable': {
		id: 'enableUser',
		description: '启用账户。',
		ok: disabledReply,
		errors: [409, 422]
	},
	'POST /users/{id}/reset-password': {
		id: 'resetUserPassword',
		description: '重置密码：临时密码只显示一次，须在下次登录时修改。',
		ok: obj({ temporaryPassword: z.string() }),
		errors: [422]
	},
	'PUT /security/users/{id}/role': {
		id: 'changeUserRole',
		description: '变更角色（只在业务角色之间或管理员角色之间），结束其会话。',
		ok: obj({ role, unitId: id.nullable() }),
		errors: [415, 422]
	},
	'POST /security/users/{id}/unlock': {
		id: 'unlockUser',
		description: '解除登录限制（各地址的失败次数清零）。',
		ok: obj({ unlocked: z.boolean() })
	},
	'POST /security/users/{id}/reset-totp': {
		id: 'resetUserTotp',
		description: '重置动态验证码（如手机丢失）。',
		ok: obj({ reset: z.boolean() })
	},
	'POST /security/users/{id}/end-sessions': {
		id: 'endUserSessions',
		description: '结束某用户的全部会话。',
		ok: endedReply
	},
	'GET /security/sessions': {
		id: 'listSessions',
		description: '在线会话（用户、地址、浏览器、最后活动）。',
		ok: obj({ items: z.array(sessionRow), total: count })
	},
	'DELETE /security/sessions/{id}': { id: 'endSession', description: '结束一个会话。', ok: endedReply },
	'GET /security/policy': {
		id: 'getSecurityPolicy',
		description: '安全策略（密码、会话、登录限制、动态验证码）。',
		ok: policy
	},
	'PUT /security/policy': {
		id: 'updateSecurityPolicy',
		description: '修改安全策略（审计）。',
		ok: policy,
		errors: [415, 422]
	},
	'GET /audit': {
		id: 'searchAuditLog',
		description: '按用户、动作、结果、时间查询审计日志，分页；actions 列出出现过的动作。',
		ok: obj({ items: z.array(auditRow), total: count, actions: z.array(z.string()) })
	},
	'GET /audit/export': {
		id: 'exportAuditLog',
		description: '按查询条件导出审计日志（时间带 +08:00）。',
		ok: file(XLSX, CSV)
	},
	'GET /audit/units': {
		id: 'listAuditUnits',
		description: '单位名录（审计日志按单位筛选用）。',
		ok: list(unitRef)
	},
	'GET /audit/verify': {
		id: 'verifyAuditChain',
		description: '校验审计日志的哈希链，指出第一处断开。',
		ok: obj({ rows: count, ok: z.boolean(), firstBroken: obj({ id, reason: z.string() }).nullable() })
	},
	'GET /mail': { id: 'listMail', description: '邮件日志（待发、已发、失败），分页。', ok: page(mailRow) },
	'GET /mail/jobs': { id: 'listJobRuns', description: '定时任务的运行记录，分页。', ok: page(jobRunRow) },
	'POST /mail/send-now': {
		id: 'sendMailNow',
		description: '立即发送队列中的邮件。',
		ok: obj({ sent: count, retried: count, failed: count, queued: count }),
		errors: [503]
	},
	'GET /mail/{id}': { id: 'getMail', description: '一封邮件的内容和发送记录。', ok: mailDetail },
	'POST /mail/{id}/retry': {
		id: 'retryMail',
		description: '重发一封失败的邮件。',
		ok: mailDetail,
		errors: [409]
	},
	'GET /imports/template': {
		id: 'getImportTemplate',
		description: '任务分工表模板（.xlsx）：表头、示例行和数据验证。',
		ok: file(XLSX)
	},
	'GET /imports/progress/{key}': {
		id: 'getImportProgress',
		description: '按 Idempotency-Key 查询导入进度（阶段、行数、百分比）。',
		ok: obj({
			progress: obj({
				phase: z.enum(['waiting', 'reading', 'analysing', 'writing', 'done']),
				done: count,
				total: count
			}).nullable()
		})
	},
	'POST /imports': {
		id: 'importPlan',
		description:
			'导入任务分工表（multipart：file、title、year…）。dryRun=1 只预览；Idempotency-Key 使重试返回第一次的结果。',
		ok: importReport,
		errors: [409, 415, 422, 429, 503]
	}
};
