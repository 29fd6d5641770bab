import { evaluateAlerts, saveLightSnapshot } from '../api/services/alerts.ts';
import { shanghaiDay } from '../api/lib/clock.ts';
import type { JobDeps } from './context.ts';

/** Opens and resolves warning lights for the day of `now` (Asia/Shanghai). */
export function runEvaluate({ db, now }: JobDeps) {
	const result = evaluateAlerts(db, shanghaiDay(now));
	saveLightSnapshot(db, result.day);
	return {
		day: result.day,
		opened: result.opened.length,
		resolved: result.resolved.length,
		changed: result.changed,
		open: result.open,
		openedAlerts: result.opened
	};
}
