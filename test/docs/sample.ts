// A document with every part GB/T 9704 names, for checking the .docx writer on its own.
import type { OfficialDocument, TableSpec } from '../../web/src/lib/rules/doc-model.ts';

const units = [
	'省发展改革委',
	'省经信厅',
	'省教育厅',
	'省科技厅',
	'省公安厅',
	'省民政厅',
	'省司法厅',
	'省财政厅',
	'省人力社保厅',
	'省自然资源厅',
	'省生态环境厅',
	'省建设厅',
	'省交通运输厅',
	'省水利厅',
	'省农业农村厅',
	'省商务厅',
	'省文化和旅游厅',
	'省卫生健康委',
	'省市场监管局',
	'省大数据局'
];

const overdue: TableSpec = {
	title: '逾期未完成指标清单',
	columns: [
		{ header: '序号', kind: 'integer', width: 3 },
		{ header: '具体指标', kind: 'text', width: 16 },
		{ header: '责任单位', kind: 'text', width: 9 },
		{ header: '完成时限', kind: 'date', width: 7 },
		{ header: '逾期天数', kind: 'integer', width: 4 }
	],
	rows: units
		.slice(0, 14)
		.map((u, i) => [
			i + 1,
			`2020年${(i % 9) + 1}月底前，完成第${i + 1}项数字化转型建设任务并上线运行，形成可复制推广的经验`,
			`牵头 ${u}；配合 省大数据局、${units[(i + 3) % units.length]}`,
			`2020-0${(i % 9) + 1}-30`,
			30 - i
		])
};
const targets: TableSpec = {
	title: '量化目标完成情况',
	columns: [
		{ header: '序号', kind: 'integer', width: 3 },
		{ header: '目标', kind: 'text', width: 14 },
		{ header: '目标值', kind: 'decimal', width: 5 },
		{ header: '累计完成', kind: 'decimal', width: 5 },
		{ header: '完成率', kind: 'percent', width: 5 }
	],
	rows: [
		[1, '新增开放数据集（个）', 1500, 105, 0.07],
		[2, '“浙里办”日活跃用户数（万）', 120, 98.5, 0.8208],
		[3, '掌上执法率（%）', 90, 86.2, 0.9578]
	],
	total: ['合计', '', 1710, 289.7, 0.1694]
};

export const SAMPLE_DOC: OfficialDocument = {
	issuer: '浙江省数字化改革联席会议办公室',
	docNumber: null,
	year: 2020,
	title: '关于2020年9月全省深化“最多跑一次”改革推进政府数字化转型工作进展情况的通报',
	mainRecipients: '各设区市政府，省级有关单位：',
	body: [
		{
			kind: 'paragraph',
			text: '根据《2020年全省深化“最多跑一次”改革推进政府数字化转型工作要点》，现将截至2020年9月30日的工作推进情况通报如下。'
		},
		{ kind: 'heading1', text: '一、总体情况' },
		{
			kind: 'paragraph',
			text: '全省共有具体指标188项，已完成20项，较上期增加11项；红灯指标12项，黄灯指标23项。各单位月报报送率为96.4%。'
		},
		{ kind: 'heading2', text: '（一）省级部门' },
		{
			kind: 'paragraph',
			text: `省大数据局、省市场监管局等单位推进有力。${'各单位要对照任务分工，倒排时间，挂图作战，确保按期完成。'.repeat(6)}`
		},
		{ kind: 'heading1', text: '二、量化目标' },
		{ kind: 'table', table: targets },
		{ kind: 'heading1', text: '三、整改要求' },
		{
			kind: 'paragraph',
			text: '一是请逾期单位一周内处理完毕，逾期将纳入考核；二是请各单位按时报送月报；三是请配合单位主动对接牵头单位。'
		}
	],
	attachments: [
		{ title: '逾期未完成指标清单', blocks: [{ kind: 'table', table: { ...overdue, title: '' } }] },
		{ title: '各单位月报报送情况', blocks: [{ kind: 'paragraph', text: units.join('、') + '按时报送。' }] }
	],
	signature: '浙江省数字化改革联席会议办公室',
	date: '2020-10-15',
	copyTo: '省委办公厅，省政府办公厅',
	printedBy: '浙江省数字化改革联席会议办公室',
	printedOn: '2020-10-15'
};
