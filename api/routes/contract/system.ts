import { z } from 'zod';
import { date, obj, period } from './shapes.ts';
import type { Contract } from './types.ts';

export const health = z.object({ status: z.literal('ok') });
export const meta = obj({
	today: date,
	demoDate: date.nullable(),
	reportDueDay: z.number().int(),
	firstPeriod: period.nullable(),
	attachmentMaxMb: z.number()
});

export const systemContract: Contract = {
	'GET /health': {
		id: 'getHealth',
		description: '服务是否在运行（负载均衡的健康检查），无需登录。',
		ok: health,
		public: true,
		example: { status: 'ok' }
	},
	'GET /openapi.json': {
		id: 'getOpenApiDocument',
		description: '本文档（OpenAPI 3.1），可据此生成客户端。无需登录。',
		ok: obj({ openapi: z.string() }),
		public: true
	},
	'GET /meta': {
		id: 'getMeta',
		description: '系统的“今天”（Asia/Shanghai 日期）、演示日期、月报截止日、计划的第一个月份和附件大小上限。',
		ok: meta,
		example: {
			today: '2020-10-15',
			demoDate: '2020-10-15',
			reportDueDay: 31,
			firstPeriod: '2020-01',
			attachmentMaxMb: 20
		}
	}
};
