import { z } from 'zod';
import { NOTICE_LEVELS, REQUEST_KINDS, REQUEST_STATUSES } from '../../../db/schema/constants.ts';
import { DOCX, XLSX, date, file, id, list, obj, page, timestamp } from './shapes.ts';
import type { Contract } from './types.ts';
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
export const requestDetail = requestRow.extend({
	attachments: z.array(obj({ id, name: z.string(), size: z.number().int() }))
});
export const noticeRow = obj({ id, level: z.enum(NOTICE_LEVELS) });
const attachment = obj({ id, name: z.string(), size: z.number().int() });

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
		ok: obj({}),
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
		ok: obj({}),
		errors: [409]
	},
	'POST /notices/{id}/answers': {
		id: 'answerNotice',
		description: '单位反馈办理情况（文字和附件）。',
		ok: obj({}),
		status: 201,
		errors: [409, 415]
	},
	'POST /notices/{id}/review': {
		id: 'reviewNoticeAnswer',
		description: '联席办通过反馈（办结）或要求重新反馈（附原因和新期限）。',
		ok: obj({}),
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
	'GET /alerts': { id: 'listAlerts', description: '当前亮着的红灯、黄灯及原因。', ok: list(obj({})) },
	'GET /alerts/{id}/history': {
		id: 'getAlertHistory',
		description: '一盏灯的历史：亮起、变化、熄灭及原因。',
		ok: list(obj({}))
	},
	'GET /notifications': {
		id: 'listNotifications',
		description: '我的站内通知（铃铛），分页，含未读数。',
		ok: obj({ items: z.array(obj({ id })) })
	},
	'POST /notifications/read-all': {
		id: 'markAllNotificationsRead',
		description: '全部标为已读。',
		ok: obj({})
	},
	'POST /notifications/{id}/read': {
		id: 'markNotificationRead',
		description: '一条通知标为已读。',
		ok: obj({})
	},
	'GET /bulletins': { id: 'listBulletins', description: '通报（月报、周报），分页。', ok: page(obj({ id })) },
	'POST /bulletins': {
		id: 'createBulletin',
		description: '按统计日期从数据生成通报草稿（月报或周报）。',
		ok: obj({ id }),
		status: 201,
		errors: [409, 415, 422]
	},
	'GET /bulletins/{id}': {
		id: 'getBulletin',
		description: '一份通报（内容、编号、状态）。',
		ok: obj({ id })
	},
	'GET /bulletins/{id}/document': {
		id: 'getBulletinDocument',
		description: '通报的公文结构：标题、一二三级标题、正文、附件表格（与 docx 相同）。',
		ok: obj({})
	},
	'PUT /bulletins/{id}': {
		id: 'editBulletin',
		description: '修改通报草稿的文字（发布后不可修改）。',
		ok: obj({ id }),
		errors: [409, 415]
	},
	'POST /bulletins/{id}/publish': {
		id: 'publishBulletin',
		description: '发布通报：编号、冻结，并向被通报批评的单位发出整改督办通知。',
		ok: obj({ id }),
		errors: [409]
	},
	'GET /bulletins/{id}/export': {
		id: 'exportBulletin',
		description: '下载通报（docx）或附表（xlsx）。',
		ok: file(DOCX, XLSX)
	}
};
