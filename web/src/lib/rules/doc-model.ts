// The shape of the documents the office sends (GB/T 9704-2012 党政机关公文格式), independent of any
// file format: the .docx writer, the workbooks, the print view and the tables on screen (DataTable's
// columns are a TableSpec's) all read this, and the column specs of tables both printed and shown. It
// imports nothing, so the server and the web app share it.

/**
 * How a column's values are written: real numbers and dates in workbooks, aligned in documents. A percent
 * is a fraction (0.35 prints 35.0%); a date is an ISO string (prints 2020年9月30日).
 */
export type ColumnKind = 'text' | 'integer' | 'decimal' | 'percent' | 'date';

export type TableColumn = {
	header: string;
	kind: ColumnKind;
	/** Relative width (characters of 3号 text, roughly); the writers scale all widths to the page. */
	width: number;
};

export type TableCell = string | number | null;

// Widths in characters: about 90 in all, so the plan's workbook prints one page wide at three quarters
// of full size. 牵头单位 and 配合单位 stand for the table's 责任单位 (placeholders resolved).
/**
 * The plan's table (任务分工表) as the workbook prints it, column by column. The plan page draws the
 * same task, indicator, deadline and unit columns (its sections are heading rows there, its headers in
 * the reader's language) with these kinds and widths.
 */
export const PLAN_COLUMNS = {
	section1: { header: '一级领域', kind: 'text', width: 3 },
	section2: { header: '二级领域', kind: 'text', width: 4 },
	task: { header: '工作任务', kind: 'text', width: 7 },
	indicator: { header: '具体指标', kind: 'text', width: 17 },
	deadline: { header: '完成时间', kind: 'text', width: 5 },
	dueOn: { header: '截止日期', kind: 'date', width: 6 },
	lead: { header: '牵头单位', kind: 'text', width: 6 },
	co: { header: '配合单位', kind: 'text', width: 9 },
	targets: { header: '量化目标', kind: 'text', width: 7 }
} as const satisfies Record<string, TableColumn>;

/** Today's status after the plan's columns (the workbook's 状态 is the light the plan page shows). */
export const PLAN_STATUS_COLUMNS = {
	light: { header: '状态', kind: 'text', width: 3 },
	originalDueOn: { header: '原定日期', kind: 'date', width: 6 },
	completedOn: { header: '完成日期', kind: 'date', width: 6 },
	progress: { header: '最新进展', kind: 'text', width: 13 }
} as const satisfies Record<string, TableColumn>;

/** One table as printed: 序号 is a column like any other; `total` is the 合计 row, when there is one. */
export type TableSpec = {
	title: string;
	columns: TableColumn[];
	rows: TableCell[][];
	total?: TableCell[];
};

/** Body blocks: level-1 headings 黑体, level-2 楷体, paragraphs 仿宋 with a two-character indent. */
export type DocBlock =
	{ kind: 'heading1' | 'heading2' | 'paragraph'; text: string } | { kind: 'table'; table: TableSpec };

export type OfficialDocument = {
	/** 发文机关标志, printed red at the top, e.g. "浙江省数字化改革联席会议办公室". */
	issuer: string;
	/** 发文字号 such as "浙数改办〔2020〕12号"; null on a draft, which prints "〔2020〕 号". */
	docNumber: string | null;
	/** The year a draft's empty number shows. */
	year: number;
	title: string;
	/** 主送机关, e.g. "各设区市政府，省级有关单位：". */
	mainRecipients: string;
	body: DocBlock[];
	/** 附件: listed after the body (附件说明), each printed on a new page. */
	attachments: { title: string; blocks: DocBlock[] }[];
	/** 发文机关署名 and 成文日期 (ISO date; printed as "2020年10月15日"), right-aligned. */
	signature: string;
	date: string;
	/** 版记: 抄送 (optional), 印发机关 and 印发日期 (ISO). */
	copyTo: string | null;
	printedBy: string;
	printedOn: string;
};

/**
 * Columns a document's table shares with the screen's table of the same thing: the kind (how a value is
 * aligned and written) and the width. The documents print these headers; the screen names the columns in
 * the user's language. The ranking: the bulletin's 各单位得分排名 and the dashboard's ranking card.
 */
export const RANKING_COLUMNS = {
	category: { header: '类别', kind: 'text', width: 6 },
	rank: { header: '排名', kind: 'integer', width: 3 },
	unit: { header: '单位', kind: 'text', width: 10 },
	score: { header: '得分', kind: 'decimal', width: 4 },
	change: { header: '名次变化', kind: 'text', width: 4 }
} as const satisfies Record<string, TableColumn>;

/** The overdue indicators: the bulletin's 逾期未完成指标清单 and the dashboard's red list. */
export const OVERDUE_COLUMNS = {
	indicator: { header: '具体指标', kind: 'text', width: 20 },
	units: { header: '责任单位', kind: 'text', width: 16 },
	dueOn: { header: '完成时限', kind: 'date', width: 8 },
	daysOverdue: { header: '逾期天数', kind: 'integer', width: 4 }
} as const satisfies Record<string, TableColumn>;
