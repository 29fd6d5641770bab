import type { UnitKind } from '../schema/constants.ts';

/** The 11 prefecture-level cities of Zhejiang, in the province's customary order. */
export const CITY_GOVERNMENTS = [
	'杭州市政府',
	'宁波市政府',
	'温州市政府',
	'嘉兴市政府',
	'湖州市政府',
	'绍兴市政府',
	'金华市政府',
	'衢州市政府',
	'舟山市政府',
	'台州市政府',
	'丽水市政府'
] as const;

/**
 * The 90 county-level divisions of 2020 (37 市辖区, 20 县级市, 33 县) under their city, as their governments are
 * named in tables. Hangzhou's districts changed in 2021: a later plan year brings its own directory.
 */
const DIVISIONS_2020: Record<(typeof CITY_GOVERNMENTS)[number], string> = {
	杭州市政府:
		'上城区、下城区、江干区、拱墅区、西湖区、滨江区、萧山区、余杭区、富阳区、临安区、建德市、桐庐县、淳安县',
	宁波市政府: '海曙区、江北区、北仑区、镇海区、鄞州区、奉化区、余姚市、慈溪市、宁海县、象山县',
	温州市政府:
		'鹿城区、龙湾区、瓯海区、洞头区、瑞安市、乐清市、龙港市、永嘉县、平阳县、苍南县、文成县、泰顺县',
	嘉兴市政府: '南湖区、秀洲区、海宁市、平湖市、桐乡市、嘉善县、海盐县',
	湖州市政府: '吴兴区、南浔区、德清县、长兴县、安吉县',
	绍兴市政府: '越城区、柯桥区、上虞区、诸暨市、嵊州市、新昌县',
	金华市政府: '婺城区、金东区、兰溪市、义乌市、东阳市、永康市、武义县、浦江县、磐安县',
	衢州市政府: '柯城区、衢江区、江山市、常山县、开化县、龙游县',
	舟山市政府: '定海区、普陀区、岱山县、嵊泗县',
	台州市政府: '椒江区、黄岩区、路桥区、临海市、温岭市、玉环市、天台县、仙居县、三门县',
	丽水市政府: '莲都区、龙泉市、青田县、缙云县、遂昌县、松阳县、云和县、庆元县、景宁畲族自治县'
};
export const COUNTIES_2020 = Object.entries(DIVISIONS_2020).map(([city, names]) => ({
	city,
	counties: names.split('、').map((division) => `${division}政府`)
}));

/**
 * 2021's change to Hangzhou's districts (国函〔2021〕23号): 下城区 merged into 拱墅区, 江干区 into 上城区 (its east into
 * the new 钱塘区), so from 2021 on their governments are no longer in the directory (their 2020 history stays).
 */
const RETIRED_IN: Record<string, number> = { 下城区政府: 2021, 江干区政府: 2021 };

/** Every unit named in the 2020 table, plus the city governments behind 各设区市政府 and their counties. */
export const UNITS: { name: string; kind: UnitKind; parent?: string; retiredIn?: number }[] = [
	...[
		'省大数据局',
		'省发展改革委',
		'省市场监管局',
		'省跑改办',
		'省委编办',
		'省财政厅',
		'省机关事务局',
		'省政府督查室',
		'省人大常委会办公厅',
		'省政协办公厅',
		'省司法厅',
		'省委政法委',
		'省信访局',
		'省公安厅',
		'省检察院',
		'省法院',
		'省食安办',
		'省教育厅',
		'省卫生健康委',
		'省交通运输厅',
		'省邮政管理局',
		'省生态环境厅',
		'省药监局',
		'省经信厅',
		'省政府办公厅',
		'省人力社保厅',
		'省建设厅',
		'省农业农村厅',
		'省地方金融监管局',
		'省自然资源厅',
		'省水利厅',
		'省商务厅',
		'省民政厅',
		'省应急管理厅',
		'省医保局',
		'省文化和旅游厅',
		'省体育局',
		'省委网信办'
	].map((name) => ({ name, kind: 'provincial' as const })),
	...CITY_GOVERNMENTS.map((name) => ({ name, kind: 'city' as const })),
	// Central agencies' provincial branches, a state-owned company and a city court.
	...['浙江省税务局', '杭州海关', '宁波海关', '省银保监局', '省电力公司', '杭州市中院'].map((name) => ({
		name,
		kind: 'other' as const
	})),
	...COUNTIES_2020.flatMap(({ city, counties }) =>
		counties.map((name) => ({ name, kind: 'county' as const, parent: city, retiredIn: RETIRED_IN[name] }))
	)
];

export const GROUPS: { name: string; kind: 'members' | 'placeholder'; members: readonly string[] }[] = [
	{ name: '各设区市政府', kind: 'members', members: CITY_GOVERNMENTS },
	{ name: '各设区市', kind: 'members', members: CITY_GOVERNMENTS },
	{ name: '省级有关单位', kind: 'placeholder', members: [] },
	// The pilot counties are chosen later: a placeholder (待明确), not a unit that files reports.
	{ name: '首批试点所在县（市、区）政府', kind: 'placeholder', members: [] }
];

export const PLAN_2020 = {
	file: new URL('./plan-2020.csv', import.meta.url),
	title: '2020年浙江省深化“最多跑一次”改革推进政府数字化转型工作要点',
	year: 2020,
	issuer: '浙江省人民政府办公厅',
	issuedOn: '2020-01-22'
};
