import type { InferResponseType } from 'hono/client';
import type { api } from './api.ts';

/**
 * The API's reply shapes, inferred from the typed client so they follow the API: nothing here is written
 * by hand. (The error body's type is the contract's own `ApiErrorBody`, which api.ts imports.)
 */
export type User = InferResponseType<typeof api.auth.me.$get, 200>['user'];
export type Role = User['role'];
export type PlanSummary = InferResponseType<typeof api.plans.$get, 200>['items'][number];
export type Plan = InferResponseType<(typeof api.plans)[':id']['$get'], 200>;
export type PlanSection = Plan['sections'][number];
export type IndicatorPage = InferResponseType<typeof api.indicators.$get, 200>;
export type Indicator = IndicatorPage['items'][number];
export type IndicatorUnit = Indicator['leadUnits'][number];
export type Target = Indicator['targets'][number];
export type PartRow = InferResponseType<typeof api.parts.$get, 200>['items'][number];
export type PartDetail = InferResponseType<(typeof api.parts)[':id']['$get'], 200>;
export type Unit = InferResponseType<typeof api.units.$get, 200>['items'][number];
export type UnitKind = Unit['kind'];
export type ImportReport = InferResponseType<typeof api.imports.$post, 200>;
export type ImportIssue = ImportReport['errors'][number];
export type UserRow = InferResponseType<typeof api.users.$get, 200>['items'][number];
export type Meta = InferResponseType<typeof api.meta.$get, 200>;
export type IndicatorAlert = Indicator['alerts'][number];
export type ReportForm = InferResponseType<(typeof api.reports.mine)[':period']['$get'], 200>;
export type ReportFormItem = ReportForm['items'][number];
export type ReportInfo = NonNullable<ReportForm['report']>;
export type ReportStatus = ReportInfo['status'];
export type ProgressStatus = NonNullable<ReportFormItem['progressStatus']>;
export type Attachment = ReportFormItem['attachments'][number];
export type ReportRow = InferResponseType<typeof api.reports.$get, 200>['items'][number];
export type ReportVersion = InferResponseType<
	(typeof api.reports)[':id']['versions']['$get'],
	200
>['items'][number];
export type VersionChange = InferResponseType<
	(typeof api.reports)[':id']['compare']['$get'],
	200
>['changes'][number];
export type UnitMonth = InferResponseType<
	(typeof api.indicators)[':id']['reports']['$get'],
	200
>['items'][number];
export type RequestRow = InferResponseType<typeof api.requests.$get, 200>['items'][number];
export type RequestDetail = InferResponseType<(typeof api.requests)[':id']['$get'], 200>;
export type Uploaded = InferResponseType<typeof api.attachments.$post, 201>;
export type Notice = InferResponseType<typeof api.notices.$get, 200>['items'][number];
export type NoticeLevel = Notice['level'];
export type AlertItem = InferResponseType<typeof api.alerts.$get, 200>['items'][number];
export type NotificationList = InferResponseType<typeof api.notifications.$get, 200>;
export type Notification = NotificationList['items'][number];
export type MailRow = InferResponseType<typeof api.mail.$get, 200>['items'][number];
export type MailDetail = InferResponseType<(typeof api.mail)[':id']['$get'], 200>;
export type JobRun = InferResponseType<typeof api.mail.jobs.$get, 200>['items'][number];
export type TimelineEvent = InferResponseType<
	(typeof api.indicators)[':id']['timeline']['$get'],
	200
>['items'][number];
export type DueDates = InferResponseType<(typeof api.indicators)[':id']['due-dates']['$get'], 200>;
export type PasswordPolicy = InferResponseType<typeof api.auth.me.$get, 200>['passwordPolicy'];
export type SessionRow = InferResponseType<typeof api.security.sessions.$get, 200>['items'][number];
export type SecurityPolicy = InferResponseType<typeof api.security.policy.$get, 200>;
export type AuditPage = InferResponseType<typeof api.audit.$get, 200>;
export type AuditRow = AuditPage['items'][number];
export type AuditCheck = InferResponseType<typeof api.audit.verify.$get, 200>;
export type MyMilestonePlan = InferResponseType<
	(typeof api)['milestone-plans']['mine']['$get'],
	200
>['items'][number];
export type MilestonePlanVersion = InferResponseType<(typeof api)['milestone-plans'][':id']['$get'], 200>;
export type IndicatorMilestones = InferResponseType<
	(typeof api.indicators)[':id']['milestones']['$get'],
	200
>;
