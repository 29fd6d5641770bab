import { adminContract } from './admin.ts';
import { authContract } from './auth.ts';
import { dashboardContract } from './dashboard.ts';
import { milestoneContract } from './milestones.ts';
import { partContract } from './parts.ts';
import { planContract } from './plans.ts';
import { reportContract } from './reports.ts';
import { serviceAccountContract } from './service-accounts.ts';
import { workflowContract } from './requests.ts';
import { systemContract } from './system.ts';
import type { Contract } from './types.ts';
import { unitContract } from './units.ts';

export type { Operation } from './types.ts';

/** Every operation's contract by `METHOD /path` (the path under /api/v1, OpenAPI's `{param}` form). */
export const CONTRACT: Contract = {
	...systemContract,
	...authContract,
	...unitContract,
	...planContract,
	...partContract,
	...reportContract,
	...workflowContract,
	...milestoneContract,
	...dashboardContract,
	...adminContract,
	...serviceAccountContract
};

/** The document's tags, each with what it groups (alphabetical). */
export const TAGS = [
	{ name: 'alerts', description: '预警灯（红灯、黄灯）' },
	{ name: 'attachments', description: '附件上传与下载' },
	{ name: 'audit', description: '审计日志（审计管理员）' },
	{ name: 'auth', description: '登录、会话、本人密码和动态验证码' },
	{ name: 'bulletins', description: '通报：生成、编辑、发布、下载' },
	{ name: 'calendar', description: '节假日与调休（工作日计算）' },
	{ name: 'dashboard', description: '督查看板、清单、排名、单位看板' },
	{ name: 'imports', description: '导入任务分工表' },
	{ name: 'indicators', description: '指标：列表、详情、动态、责任方式、期限' },
	{ name: 'mail', description: '邮件日志和定时任务' },
	{ name: 'milestones', description: '月度里程碑计划（挂图作战）：填报、提交、审核、版本' },
	{ name: 'notices', description: '督办通知：发出、签收、反馈、审核' },
	{ name: 'notifications', description: '站内通知' },
	{ name: 'parts', description: '分解交办、签收、逐级汇总与下钻' },
	{ name: 'plans', description: '计划（任务分工表）及其导出' },
	{ name: 'reports', description: '月报：填报、提交、审核、版本' },
	{ name: 'requests', description: '办结与延期申请' },
	{ name: 'scoring', description: '评分规则和加减分' },
	{ name: 'security', description: '安全管理（安全管理员）：角色、解锁、会话、策略' },
	{ name: 'service-accounts', description: '机器客户端的服务账号和令牌' },
	{ name: 'system', description: '服务状态、系统日期' },
	{ name: 'units', description: '单位名录、单位组、待明确名称' },
	{ name: 'users', description: '账户管理（系统管理员）' }
];
