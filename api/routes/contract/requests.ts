import { z } from 'zod';
import {
	LIGHTS,
	NOTICE_ANSWER_STATUSES,
	NOTICE_LEVELS,
	NOTICE_STATES,
	REQUEST_KINDS,
	REQUEST_STATUSES
} from '../../../web/src/lib/rules/enums.ts';
import {
	DOCX,
	XLSX,
	alertFacts,
	count,
	date,
	file,
	id,
	json,
	list,
	obj,
	page,
	period,
	timestamp,
	unitRef
} from './shapes.ts';
import type { Contract } from './types.ts';
import type { OfficialDocument } from '../../../web/src/lib/rules/doc-model.ts';
import { ATTACHMENT_CONTENT_TYPES } from '../../lib/file-types.ts';

export const requestRow = obj({
	id,
	kind: z.enum(REQUEST_KINDS),
	status: z.enum(REQUEST_STATUSES),
	statement: z.string(),
	newDueOn: date.nullable(),
	late: z.boolean(),
	createdAt: timestamp,
	decidedAt: timestamp.nullable(),
	decisionNote: z.string().nullable(),
	indicatorId: id,
	indicatorText: z.string(),
	taskTitle: z.string(),
	dueOn: date.nullable(),
	originalDueOn: date.nullable(),
	unitId: id,
	unitName: z.string(),
	createdByName: z.string().nullable()
});
const attachment = obj({ id, name: z.string(), size: z.number().int() });
export const requestDetail = requestRow.extend({ attachments: z.array(attachment) });
export const noticeRow = obj({
	id,
	number: z.string().describe('督办〔2020〕12号'),
	year: z.number().int(),
	seq: z.number().int(),
	level: z.enum(NOTICE_LEVELS),
	message: z.string(),
	issuedOn: date,
	issuedAt: timestamp,
	answerDueOn: date.nullable(),
	state: z.enum(NOTICE_STATES),
	acknowledgedAt: timestamp.nullable(),
	acknowledgedByName: z.string().nullable(),
	closedAt: timestamp.nullable(),
	unit: unitRef,
	indicators: z.array(obj({ id, text: z.string(), dueOn: date.nullable() })),
	answers: z.array(
		obj({
			id,
			text: z.string(),
			status: z.enum(NOTICE_ANSWER_STATUSES),
			byName: z.string().nullable(),
			decisionNote: z.string().nullable(),
			createdAt: timestamp,
			decidedAt: timestamp.nullable(),
			attachments: z.array(attachment)
		})
	)
});
/** A light on now: its indicator and unit, and why. */
export const alertRow = obj({
	id,
	indicator: obj({ id, task: z.string(), text: z.string(), dueOn: date.nullable() }).nullable(),
	unit: unitRef.nullable(),
	period: period.nullable(),
	...alertFacts
});
const marked = obj({ marked: count });
const cell = z.union([z.string(), z.number(), z.null()]);
const table = obj({
	title: z.string(),
	columns: z.array(
		obj({
			header: z.string(),
			kind: z.enum(['text', 'integer', 'decimal', 'percent', 'date']),
			width: z.number()
		})
	),
	rows: z.array(z.array(cell)),
	total: z.array(cell).optional()
});
const block = z.union([
	obj({ kind: z.enum(['heading1', 'heading2', 'paragraph']), text: z.string() }),
	obj({ kind: z.literal('table'), table })
]);
const bulletinRow = obj({
	id,
	period,
	week: date.nullable(),
	status: z.enum(['draft', 'published']),
	title: z.string(),
	issuer: obj({ unitId: id, name: z.string() })
		.nullable()
		.describe('the issuing level (its government); null: the province'),
	number: z.string().nullable(),
	createdAt: timestamp,
	publishedAt: timestamp.nullable()
});
const bulletin = bulletinRow.extend({
	content: obj({
		title: z.string(),
		office: z.string(),
		date: z.string(),
		asOf: date,
		period,
		texts: z.record(z.string(), z.string()).describe('the editable texts by section'),
		tables: obj({ sections: z.array(obj({ name: z.string(), total: count })) })
	})
});
const notification = obj({
	id,
	title: z.string(),
	body: z.string(),
	createdAt: timestamp,
	readAt: timestamp.nullable(),
	message: obj({
		code: z.string(),
		params: z.record(
			z.string(),
			json.describe('a fact of the event: text, number, date, flag, list or reason')
		)
	})
		.nullable()
		.describe('the event and its facts, for texts in the reader’s language'),
	link: z.string().nullable(),
	light: z.enum(LIGHTS).nullable()
});
/** The official document's model (web/src/lib/rules/doc-model.ts), as /bulletins/{id}/document answers it. */
export const bulletinDocument = obj({
	issuer: z.string(),
	docNumber: z.string().nullable(),
	year: z.number().int(),
	title: z.string(),
	mainRecipients: z.string(),
	body: z.array(block),
	attachments: z.array(obj({ title: z.string(), blocks: z.array(block) })),
	signature: z.string(),
	date: z.string(),
	copyTo: z.string().nullable(),
	printedBy: z.string(),
	printedOn: z.string()
}) satisfies z.ZodType<OfficialDocument>;

export const workflowContract: Contract = {
	'POST /requests': {
		id: 'createRequest',
		description: '单位提出办结（附说明和佐证）或延期（附新日期）申请。',
		ok: requestDetail,
		status: 201,
		errors: [409, 415, 422]
	},
	'GET /requests': {
		id: 'listRequests',
		description: '办结和延期申请，按状态、种类筛选，分页。',
		ok: page(requestRow)
	},
	'GET /requests/{id}': { id: 'getRequest', description: '一项申请及其附件。', ok: requestDetail },
	'POST /requests/{id}/decide': {
		id: 'decideRequest',
		description: '联席办批准或驳回申请（可附意见）；批准的延期移动截止日期。',
		ok: requestDetail,
		errors: [409, 415]
	},
	'POST /notices': {
		id: 'issueNotice',
		description: '发出督办通知（蓝、黄、红），编号如 督办〔2020〕12号，附反馈期限。',
		ok: noticeRow,
		status: 201,
		errors: [415, 422]
	},
	'GET /notices': {
		id: 'listNotices',
		description: '督办通知，按状态、单位筛选，分页。',
		ok: page(noticeRow)
	},
	'GET /notices/{id}': { id: 'getNotice', description: '一份督办通知、签收和历次反馈。', ok: noticeRow },
	'POST /notices/{id}/acknowledge': {
		id: 'acknowledgeNotice',
		description: '单位签收督办通知（记录时间和签收人）。',
		ok: noticeRow,
		errors: [409]
	},
	'POST /notices/{id}/answers': {
		id: 'answerNotice',
		description: '单位反馈办理情况（文字和附件）。',
		ok: noticeRow,
		status: 201,
		errors: [409, 415]
	},
	'POST /notices/{id}/review': {
		id: 'reviewNoticeAnswer',
		description: '联席办通过反馈（办结）或要求重新反馈（附原因和新期限）。',
		ok: noticeRow,
		errors: [409, 415]
	},
	'POST /attachments': {
		id: 'uploadAttachment',
		description:
			'上传附件（multipart 字段 file）：pdf、doc/docx、xls/xlsx、jpg/png，按内容校验，默认不超过 20 MB。',
		ok: attachment,
		status: 201,
		errors: [415, 422, 503]
	},
	'GET /attachments/{id}': {
		id: 'downloadAttachment',
		description: '下载附件（原中文文件名，RFC 6266）。',
		ok: file(...ATTACHMENT_CONTENT_TYPES)
	},
	'GET /alerts': { id: 'listAlerts', description: '当前亮着的红灯、黄灯及原因。', ok: list(alertRow) },
	'GET /alerts/{id}/history': {
		id: 'getAlertHistory',
		description: '一盏灯的历史：亮起、变化、熄灭及原因。',
		ok: list(
			obj({
				id,
				alertId: id,
				on: date,
				event: z.enum(['opened', 'changed', 'resolved']),
				cause: obj({ cause: z.string() }).describe(
					"what changed it (date, signed_off, extended …) and the reason's facts"
				)
			})
		)
	},
	'GET /notifications': {
		id: 'listNotifications',
		description: '我的站内通知（铃铛），分页，含未读数。',
		ok: page(notification).extend({ unread: count })
	},
	'POST /notifications/read-all': {
		id: 'markAllNotificationsRead',
		description: '全部标为已读。',
		ok: marked
	},
	'POST /notifications/{id}/read': {
		id: 'markNotificationRead',
		description: '一条通知标为已读。',
		ok: marked
	},
	'GET /bulletins': {
		id: 'listBulletins',
		description: '通报（月报、周报），分页；issuer 筛选发文层级（province：省级）。',
		ok: page(bulletinRow).extend({
			issuers: z
				.array(obj({ unitId: id, name: z.string() }))
				.describe('the levels (besides the province) whose bulletins the caller reads')
		})
	},
	'POST /bulletins': {
		id: 'createBulletin',
		description: '按统计日期从数据生成通报草稿（月报或周报）。',
		ok: bulletin,
		status: 201,
		errors: [409, 415, 422]
	},
	'GET /bulletins/{id}': {
		id: 'getBulletin',
		description: '一份通报（内容、编号、状态）。',
		ok: bulletin
	},
	'GET /bulletins/{id}/document': {
		id: 'getBulletinDocument',
		description: '通报的公文结构：标题、一二三级标题、正文、附件表格（与 docx 相同）。',
		ok: bulletinDocument
	},
	'PUT /bulletins/{id}': {
		id: 'editBulletin',
		description: '修改通报草稿的文字（发布后不可修改）。',
		ok: bulletin,
		errors: [409, 415]
	},
	'POST /bulletins/{id}/publish': {
		id: 'publishBulletin',
		description: '发布通报：编号、冻结，并向被通报批评的单位发出整改督办通知。',
		ok: bulletin,
		errors: [409]
	},
	'GET /bulletins/{id}/export': {
		id: 'exportBulletin',
		description: '下载通报（docx）或附表（xlsx）。',
		ok: file(DOCX, XLSX)
	}
};
