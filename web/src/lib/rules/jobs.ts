/**
 * The scheduled jobs by name, and how the audit log names the system running one: its rows carry the
 * username `system:<job>` and show as 系统：每日巡检. Shared by the API (the actor) and the audit page.
 */
export const JOB_NAMES = ['daily', 'evaluate', 'send-mail', 'leader-digest'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export const JOB_LABELS: Record<JobName, string> = {
	daily: '每日巡检',
	evaluate: '预警评估',
	'send-mail': '邮件发送',
	'leader-digest': '领导周报'
};

const SYSTEM_PREFIX = 'system:';

/** The username a job's audit rows carry. */
export const systemUsername = (job: JobName) => `${SYSTEM_PREFIX}${job}`;

/** 系统：每日巡检 for a job's audit rows; a person's username as it is. */
export function actorText(username: string): string {
	const job = username.startsWith(SYSTEM_PREFIX) ? username.slice(SYSTEM_PREFIX.length) : null;
	return job && job in JOB_LABELS ? `系统：${JOB_LABELS[job as JobName]}` : username;
}
