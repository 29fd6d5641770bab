import { evaluateAlerts } from '../api/services/alerts.ts';
import type { JobContext } from './context.ts';

/**
 * The passing of a day (Asia/Shanghai): lights that a date crossed (due soon, overdue, a report now
 * missing) come on with their real dates. Writes keep everything else current as they happen.
 */
export async function runEvaluate(ctx: JobContext) {
	const result = await evaluateAlerts(ctx);
	return {
		day: result.day,
		opened: result.opened.length,
		resolved: result.resolved.length,
		changed: result.changed,
		open: result.open,
		openedAlerts: result.opened
	};
}
