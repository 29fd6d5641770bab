import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { parseTargets, type Target, type TargetOp } from './targets.ts';

const t = (
	label: string,
	op: TargetOp,
	value: number,
	unit: string,
	text: string,
	meaning: Partial<Target> = {}
): Target => ({
	label,
	op,
	value,
	scale: 0,
	valueMax: null,
	unit,
	relative: null,
	aggregation: 'sum',
	text,
	...meaning
});

const indicators = readFileSync(new URL('../../seed/plan-2020.csv', import.meta.url), 'utf8')
	.trim()
	.split('\n')
	.slice(1)
	.map((line) => line.split(',')[3] ?? '');

// Every indicator of plan-2020.csv that contains a digit, by CSV data row (1-based).
const PLAN_2020: [row: number, indicator: string, expected: Target[]][] = [
	// 2.0 is a platform version, 三级 a level.
	[
		1,
		'全面推进省市县三级依申请政务服务事项接入政务服务2.0平台。推出一批与群众、企业密切相关的高频政务服务事项，实现智能“秒办”',
		[]
	],
	[
		3,
		'聚焦交通、教育、助残等重点领域，推出10个优质服务专区',
		[t('优质服务专区', '>=', 10, '个', '推出10个优质服务专区')]
	],
	[
		5,
		'高质量实现41件“一件事”网上、掌上联办，深入实施优化营商环境“10+N”行动，加快“一件事”数字化应用建设，推动一批新的群众、企业“一件事”网上、掌上联办',
		[t('“一件事”网上、掌上联办', '>=', 41, '件', '高质量实现41件“一件事”网上、掌上联办')]
	],
	[
		7,
		'2020年底前，“浙里办”日活跃用户数达到120万',
		// 120万 keeps its magnitude: value 120 in the scale 10⁴, shown and reported as 万.
		[t('“浙里办”日活跃用户数', '>=', 120, '', '“浙里办”日活跃用户数达到120万', { scale: 4 })]
	],
	[8, '建设更加适应政务需求的“浙政钉”2.0版，完成消息、文件、服务专有化部署和数据迁移，实现安全可控', []],
	[
		10,
		'推动机关内部90％以上部门间非涉密事项接入系统，上线事项原则上实现100％网上办',
		[
			t('机关内部部门间非涉密事项接入系统', '>=', 90, '%', '推动机关内部90％以上部门间非涉密事项接入系统'),
			t('上线事项网上办', '>=', 100, '%', '上线事项原则上实现100％网上办')
		]
	],
	[
		16,
		'2020年底前，“双随机”事项覆盖率达到100％，跨部门联合“双随机”监管占比达到5％，现场执法的掌上执法率达到90％',
		[
			t('“双随机”事项覆盖率', '>=', 100, '%', '“双随机”事项覆盖率达到100％'),
			t('跨部门联合“双随机”监管占比', '>=', 5, '%', '跨部门联合“双随机”监管占比达到5％'),
			t('掌上执法率', '>=', 90, '%', '现场执法的掌上执法率达到90％')
		]
	],
	[
		25,
		'优化电子税务局功能，实现纳税人依申请办理事项全流程电子化办理，加大电子发票推行力度，2020年底前增值税电子发票占比超过60％，网上、掌上办税占比超过85％',
		[
			t('增值税电子发票占比', '>', 60, '%', '增值税电子发票占比超过60％'),
			t('网上、掌上办税占比', '>', 85, '%', '网上、掌上办税占比超过85％')
		]
	],
	// “最多80天”“最多20个工作日” name reforms and are ceilings as well.
	[
		29,
		'进一步精简投资项目事项办理环节和材料，推动一般企业投资项目全过程审批“最多80天”，实现企业投资简易低风险小型项目快速审批“最多20个工作日”',
		[
			t('一般企业投资项目全过程审批', '<=', 80, '天', '推动一般企业投资项目全过程审批最多80天'),
			t(
				'企业投资简易低风险小型项目快速审批',
				'<=',
				20,
				'个工作日',
				'实现企业投资简易低风险小型项目快速审批最多20个工作日'
			)
		]
	],
	// 智能送达3.0 is a version (送达 is not 达到).
	[
		45,
		'深化杭州互联网法院和浙江移动微法院建设，打造浙江法院办案办公统一平台、“凤凰”金融智审、智能送达3.0等智能应用',
		[]
	],
	// 翻一番: twice the 2019 baseline, which the office enters; 2019年 is a year, not an amount.
	[
		46,
		'推动各地建成符合区域实际的智慧安防信息应用系统或功能模块，全省“智安小区”“智安单位”数量在2019年基础上翻一番',
		[
			t('全省“智安小区”“智安单位”数量', '>=', 2, '倍', '全省“智安小区”“智安单位”数量在2019年基础上翻一番', {
				relative: 'factor'
			})
		]
	],
	[
		47,
		'深化各级公共安全视频图像共享平台建设，市级共享平台和国家、省级平台保持互联互通，共享至省级平台的资源占市本级总量的80％以上',
		[t('共享至省级平台的资源占市本级总量', '>=', 80, '%', '共享至省级平台的资源占市本级总量的80％以上')]
	],
	[
		50,
		'整合“8+X”社会救助管理部门信息系统，实现家庭经济状况核对、救助对象精准认定、需求统一发布、救助资金统筹、救助项目联合办理、效能精准分析',
		[]
	],
	[
		56,
		'基于“浙里办”“浙政钉”，整合全省重点景区、文博场馆、“百县千碗”等资源，建立集资讯、消费、服务等于一体的闭环服务场景，实现多渠道服务触达。完成不少于150个景区／景点及文博场馆的在线预约预订功能',
		[t('景区／景点及文博场馆', '>=', 150, '个', '完成不少于150个景区／景点及文博场馆')]
	],
	[
		57,
		'构建集全省体育健身场地设施查找、导航、预订、支付、报修于一体的全民健身地图。整合公共体育设施及具备条件的商业健身资源，实现80％以上符合条件的公共体育场地设施接入预约支付功能',
		[
			t(
				'符合条件的公共体育场地设施接入预约支付功能',
				'>=',
				80,
				'%',
				'实现80％以上符合条件的公共体育场地设施接入预约支付功能'
			)
		]
	],
	[
		64,
		'优化数据归集模式，减少数据交换环节，实现数据实时采集、跨网传输、流式加工。2020年底前开通市场监管、公安、科技、人力社保、卫生健康、民政等19条“数据高铁”专线',
		[
			t(
				'“数据高铁”专线',
				'>=',
				19,
				'条',
				'开通市场监管、公安、科技、人力社保、卫生健康、民政等19条“数据高铁”专线'
			)
		]
	],
	// 五大领域 is a count of fields in words, not a target.
	[
		66,
		'新增开放数据集1500个，开放数据项5000项以上。优先开放普惠金融、交通出行、医疗健康、市场监管、社会保障等五大领域数据，设区市各推出5个以上数据开放创新应用',
		[
			t('新增开放数据集', '>=', 1500, '个', '新增开放数据集1500个'),
			t('开放数据项', '>=', 5000, '项', '开放数据项5000项以上'),
			// 各: five for each city, not five in all.
			t('设区市数据开放创新应用', '>=', 5, '个', '设区市各推出5个以上数据开放创新应用', {
				aggregation: 'each'
			})
		]
	],
	[
		70,
		'完善“两地三中心”省级政务云平台架构，建成公安、审计、医疗保障等行业云，探索异构云平台之间的互通和融合管理，实现省级部门80％的业务系统上云',
		[t('省级部门业务系统上云', '>=', 80, '%', '实现省级部门80％的业务系统上云')]
	],
	[71, '加快政务外网IPv6实施，加快视联网在智慧督查、社会治理、应急指挥、“雪亮工程”等领域的规模化应用', []],
	// Deadlines, not targets.
	[
		75,
		'各地、各部门要制定年度工作实施方案，围绕各重点任务建立工作专班，明确牵头部门、协同部门分管负责人和具体责任人，按月细化牵头任务，于2020年2月底前将实施方案和月度任务计划报省推进政府数字化转型联席会议办公室，每月底前上报当月工作完成情况',
		[]
	],
	[
		76,
		'编制公共数据和电子政务发展“十四五”规划。组织研究机构开展系列重大课题研究。建立政府数字化转型技术、理论、法律3个专家组。积极推动高校、研究机构、高新技术企业参与合作共建，推动数据开放、新技术创新应用',
		[t('专家组', '>=', 3, '个', '建立政府数字化转型技术、理论、法律3个专家组')]
	]
];

describe('parseTargets on plan-2020.csv', () => {
	it.each(PLAN_2020)('row %i', (row, indicator, expected) => {
		expect(indicators[row - 1]).toBe(indicator);
		expect(parseTargets(indicator)).toEqual(expected);
	});

	it('covers every indicator with a digit; the others have no targets', () => {
		const listed = new Set(PLAN_2020.map(([row]) => row));
		indicators.forEach((indicator, i) => {
			if (/\d/.test(indicator)) expect(listed, indicator).toContain(i + 1);
			else expect(parseTargets(indicator), indicator).toEqual([]);
		});
		expect(indicators).toHaveLength(80);
	});

	it('reads the full-width PDF form of the same text', () => {
		expect(parseTargets('２０２０ 年底前，“浙里办”日活跃用户数达到 １２０ 万')).toEqual([
			t('“浙里办”日活跃用户数', '>=', 120, '', '“浙里办”日活跃用户数达到120万', { scale: 4 })
		]);
		expect(parseTargets('打造政务服务 ２\ue010 ０ 平台')).toEqual([]);
	});
});

describe('parseTargets', () => {
	it.each([
		['覆盖率不少于95%', '>=', 95, '%'],
		['覆盖率至少95%', '>=', 95, '%'],
		['覆盖率不低于95%', '>=', 95, '%'],
		['覆盖率高于95%', '>', 95, '%'],
		['办理时间不超过3天', '<=', 3, '天'],
		['办理时间压缩至3个工作日以内', '<=', 3, '个工作日'],
		['差错率低于1%', '<', 1, '%'],
		['差错率控制在1%以内', '<=', 1, '%'],
		['年办件量在12件(含)以下', '<=', 12, '件'],
		['满意率达到95%左右', '=', 95, '%'],
		['培育100余家企业', '>', 100, '家'],
		['审批最多80天', '<=', 80, '天'],
		['办理时限不超过20个工作日', '<=', 20, '个工作日'],
		['办结时间3个工作日以内', '<=', 3, '个工作日']
	])('%s', (text, op, value, unit) => {
		const [target, ...rest] = parseTargets(text);
		expect(rest).toEqual([]);
		expect(target).toMatchObject({ op, value, unit, scale: 0 });
	});

	it.each([
		['营收达到1.5亿元', 1.5, 8, '元'],
		['用户数达到0.35万', 0.35, 4, ''],
		['日活跃用户数达到120万', 120, 4, ''],
		['注册用户达到120万人', 120, 4, '人']
	])('%s keeps its magnitude word', (text, value, scale, unit) => {
		expect(parseTargets(text)).toEqual([expect.objectContaining({ value, scale, unit })]);
	});

	it('reads ranges', () => {
		expect(parseTargets('建设3至5个试点')).toEqual([
			expect.objectContaining({ op: '>=', value: 3, valueMax: 5, unit: '个' })
		]);
		expect(parseTargets('覆盖率80-90%')).toEqual([
			expect.objectContaining({ value: 80, valueMax: 90, unit: '%' })
		]);
	});

	it.each([
		['网上办件率提高5个百分点', '网上办件率', 5, '个百分点', 'points'],
		['营业收入增长10%', '营业收入', 10, '%', 'percent'],
		['“智安小区”数量在2019年基础上翻一番', '“智安小区”数量', 2, '倍', 'factor'],
		['用户数翻两番', '用户数', 4, '倍', 'factor']
	])('%s is relative to a baseline', (text, label, value, unit, relative) => {
		expect(parseTargets(text)).toEqual([expect.objectContaining({ label, value, unit, relative, op: '>=' })]);
	});

	it('提高到 names the level itself, not an increase', () => {
		expect(parseTargets('网上办件率提高到90%')).toEqual([
			expect.objectContaining({ label: '网上办件率', value: 90, relative: null })
		]);
	});

	it('各…N个以上 is each owner’s part; a plain amount is the owners’ sum', () => {
		expect(parseTargets('设区市各推出5个以上应用')[0]?.aggregation).toBe('each');
		expect(parseTargets('每个设区市建成2个中心')[0]?.aggregation).toBe('each');
		expect(parseTargets('新增开放数据集1500个')[0]?.aggregation).toBe('sum');
	});

	it('labels several targets in one clause separately', () => {
		expect(parseTargets('新建5个应用和3个平台')).toEqual([
			t('新建应用', '>=', 5, '个', '新建5个应用'),
			t('平台', '>=', 3, '个', '3个平台')
		]);
	});

	it('reads thousands separators', () => {
		expect(parseTargets('归集60个部门、4,242张表').map((x) => x.value)).toEqual([60, 4242]);
	});

	it.each([
		'2020年底前完成',
		'9月7日前报送',
		'第3批事项',
		'三级联动',
		'推进“10+N”行动',
		'部署5G网络',
		'分4批发布',
		'联系人:张斌(85250421)',
		'《2020年工作要点》',
		'实现“最多跑一次”',
		'智能送达3.0'
	])('%s has no target', (text) => {
		expect(parseTargets(text)).toEqual([]);
	});
});
