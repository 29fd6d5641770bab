import { describe, expect, it } from 'vitest';
import { admission } from './admission.ts';
import { holdWriteGate, shareWriteGate, workerWriting } from './write-gate.ts';

const settled = () => new Promise((r) => setTimeout(r, 0));

describe('the bounded line for expensive work', () => {
	it('runs at most the limit at once, lets the next ones wait in arrival order, and turns away the rest', async () => {
		const line = admission({ running: 1, waiting: 2 });
		const started: string[] = [];
		const enter = (name: string) =>
			line.enter().then((release) => {
				if (release) started.push(name);
				return release;
			});
		const a = enter('a');
		const b = enter('b');
		const c = enter('c');
		const d = await enter('d');
		await settled();
		expect(started).toEqual(['a']);
		expect(d).toBeNull();
		expect(line.state).toEqual({ running: 1, waiting: 2 });
		expect(line.retryAfterSeconds()).toBeGreaterThanOrEqual(1);
		(await a)!();
		await settled();
		expect(started).toEqual(['a', 'b']);
		(await b)!();
		await settled();
		expect(started).toEqual(['a', 'b', 'c']);
		(await c)!();
		expect(line.state).toEqual({ running: 0, waiting: 0 });
	});
});

describe('the write gate between the request thread and a writing worker', () => {
	it('lets a worker write only after the writers in progress, and later writers only after the worker', async () => {
		const order: string[] = [];
		const first = await shareWriteGate();
		const worker = holdWriteGate().then((release) => {
			order.push('worker');
			return release;
		});
		const later = shareWriteGate().then((release) => {
			order.push('later');
			return release;
		});
		await settled();
		expect(order).toEqual([]);
		expect(workerWriting()).toBe(true);
		first();
		await settled();
		expect(order).toEqual(['worker']);
		(await worker)();
		await settled();
		expect(order).toEqual(['worker', 'later']);
		expect(workerWriting()).toBe(false);
		(await later)();
	});
});
