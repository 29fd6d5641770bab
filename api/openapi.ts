import type { Env, Hono, Schema } from 'hono';
import { generateSpecs } from 'hono-openapi';
import { z } from 'zod';
import { CONTRACT, TAGS, type Operation } from './routes/contract/index.ts';
import { errorBody } from './routes/contract/shapes.ts';

const ERROR_TEXT: Record<number, string> = {
	400: '请求参数有误（details 列出每个字段的 path 与 code）',
	401: '未登录、会话已过期或令牌无效',
	403: '当前角色无权执行此操作',
	404: '请求的内容不存在',
	409: '与当前状态冲突（如月报已被更新）',
	413: '请求内容过大',
	415: '不支持的内容类型（JSON 接口只接受 application/json）',
	422: '请求无法处理（业务规则不允许）',
	429: '请求过于频繁（Retry-After 给出秒数）',
	503: '服务暂时不可用'
};

/** What each parameter name means wherever it appears (dates are Asia/Shanghai days, YYYY-MM-DD). */
const PARAMETERS: Record<string, string> = {
	id: '资源编号',
	targetId: '数值目标的编号',
	tokenId: '令牌编号',
	key: '导入请求的 Idempotency-Key',
	'idempotency-key': '同一导入重试时使用同一个值，服务器返回第一次的结果',
	day: '日期 YYYY-MM-DD',
	year: '年份',
	period: '月份 YYYY-MM',
	asOf: '统计日期 YYYY-MM-DD（Asia/Shanghai），默认今天',
	dueFrom: '截止日期不早于 YYYY-MM-DD',
	dueTo: '截止日期不晚于 YYYY-MM-DD',
	from: '起（日期 YYYY-MM-DD，或比较版本时的版本记录编号）',
	to: '止（日期 YYYY-MM-DD，或比较版本时的版本记录编号）',
	page: '页码，从 1 开始',
	pageSize: '每页条数（最多 500）',
	planId: '计划编号',
	sectionId: '领域编号',
	indicatorId: '指标编号',
	unitId: '单位编号',
	unitKind: '单位分类',
	role: '牵头（lead）或配合（co）',
	status: '状态',
	state: '状态',
	kind: '种类',
	light: '灯色',
	late: '是否逾期提交',
	unread: '只看未读',
	unresolved: '只看仍有待明确单位的指标',
	unacknowledged: '只看未签收',
	q: '关键字',
	sort: '排序',
	format: '文件格式',
	lang: '表头语言：zh 或 en',
	action: '审计动作',
	result: '审计结果',
	username: '用户名'
};

/** The refusals an operation may answer: what its guards and inputs imply, plus those its contract names. */
export function errorStatuses(method: string, path: string, op: Operation, hasInput: boolean): number[] {
	const out = new Set<number>(op.errors ?? []);
	if (hasInput) out.add(400);
	if (!op.public) [401, 403].forEach((s) => out.add(s));
	if (path.includes('{')) out.add(404);
	if (method !== 'get') out.add(413);
	return [...out].sort();
}

const jsonSchemaOf = (s: z.ZodType) => {
	const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' }) as Record<
		string,
		unknown
	>;
	return rest;
};

type Doc = { paths: Record<string, Record<string, Record<string, unknown>>> } & Record<string, unknown>;

/**
 * The OpenAPI 3.1 document: hono-openapi reads the routes (summary and tags from `doc()`, parameters and
 * bodies from the validators); each operation's contract (`api/routes/contract/`) adds its operationId,
 * description, success body (schema or file media types), refusals and security.
 */
export async function buildOpenApi<E extends Env, S extends Schema, B extends string>(
	app: Hono<E, S, B>,
	prefix: string
) {
	const spec = (await generateSpecs(app, {
		documentation: {
			openapi: '3.1.0',
			info: {
				title: 'Duban 督办 API',
				version: '1',
				description:
					'督办系统的 JSON 接口。/api/v1 保持兼容（只增加字段和接口）；不兼容的变更发布在 /api/v2。集成指南：docs/api.md。',
				contact: { name: 'Duban 督办' }
			},
			servers: [{ url: prefix, description: '本服务' }],
			tags: TAGS,
			components: {
				securitySchemes: {
					session: {
						type: 'apiKey',
						in: 'cookie',
						name: 'duban_session',
						description: '浏览器会话：POST /auth/login 设置的 Cookie（HTTPS 下名为 __Host-duban_session）'
					},
					serviceToken: {
						type: 'http',
						scheme: 'bearer',
						description: '机器客户端（服务账号）的令牌：Authorization: Bearer dbn_…，由联席办或系统管理员创建'
					}
				}
			}
		},
		defaultValidationErrorResponse: false,
		// The document itself is at /openapi.json (not a static file).
		excludeStaticFile: false
	})) as unknown as Doc;
	const paths: Doc['paths'] = {};
	const responses: Record<string, unknown> = {};
	for (const [rawPath, item] of Object.entries(spec.paths)) {
		if (!rawPath.startsWith(prefix)) continue;
		const path = rawPath.slice(prefix.length) || '/';
		for (const [method, operation] of Object.entries(item)) {
			if (!operation) continue;
			const key = `${method.toUpperCase()} ${path}`;
			const op = CONTRACT[key];
			if (!op) throw new Error(`no contract for ${key}`);
			const hasInput = !!operation.requestBody || !!(operation.parameters as unknown[] | undefined)?.length;
			const status = String(op.status ?? 200);
			const ok =
				'files' in op.ok
					? Object.fromEntries(op.ok.files.map((t) => [t, { schema: { type: 'string', format: 'binary' } }]))
					: {
							'application/json': {
								schema: jsonSchemaOf(op.ok),
								...(op.example === undefined ? {} : { example: op.example })
							}
						};
			const refusals = Object.fromEntries(
				errorStatuses(method, path, op, hasInput).map((s) => {
					responses[`E${s}`] ??= {
						description: ERROR_TEXT[s],
						content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }
					};
					return [String(s), { $ref: `#/components/responses/E${s}` }];
				})
			);
			const parameters = (operation.parameters as { name: string; description?: string }[] | undefined)?.map(
				(p) => ({ description: PARAMETERS[p.name] ?? p.name, ...p })
			);
			(paths[path] ??= {})[method] = {
				...operation,
				...(parameters ? { parameters } : {}),
				operationId: op.id,
				description: op.description,
				security: op.public ? [] : [{ session: [] }, { serviceToken: [] }],
				responses: { [status]: { description: op.okText ?? '成功', content: ok }, ...refusals }
			};
		}
	}
	const components = (spec.components ?? {}) as Record<string, Record<string, unknown>>;
	return {
		...spec,
		paths,
		components: {
			...components,
			schemas: { ...components.schemas, Error: jsonSchemaOf(errorBody) },
			responses
		}
	};
}
