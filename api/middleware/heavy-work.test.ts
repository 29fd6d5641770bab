import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Env } from '../context.ts';
import { arrivalOrder } from './heavy-work.ts';

/** A promise and its resolver. */
function gate() {
	let open!: () => void;
	const opened = new Promise<void>((resolve) => (open = resolve));
	return { opened, open };
}

describe('requests in arrival order', () => {
	it('works on at most REQUESTS_AT_ONCE at once, starts the others in the order they came, and answers /health at once', async () => {
		const events: string[] = [];
		const gates = new Map([1, 2, 3].map((n) => [String(n), gate()]));
		const app = new Hono<Env>()
			.use(arrivalOrder({ requestsAtOnce: 1 }))
			.get('/api/v1/health', (c) => c.text('ok'))
			.get('/api/v1/work/:n', async (c) => {
				const n = c.req.param('n');
				events.push(`start ${n}`);
				await gates.get(n)!.opened;
				events.push(`end ${n}`);
				return c.text(n);
			});
		const settled = () => new Promise((resolve) => setTimeout(resolve, 5));
		const answers = ['1', '2', '3'].map((n) => app.request(`/api/v1/work/${n}`));
		await settled();
		expect(events).toEqual(['start 1']);
		expect(await (await app.request('/api/v1/health')).text()).toBe('ok');
		// The second to arrive is next, though the third's work could end at once.
		gates.get('3')!.open();
		gates.get('1')!.open();
		await settled();
		expect(events).toEqual(['start 1', 'end 1', 'start 2']);
		gates.get('2')!.open();
		expect(await Promise.all(answers.map(async (a) => (await a).text()))).toEqual(['1', '2', '3']);
		expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
	});
});
