import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { Resource } from './resource.svelte.ts';
import { sortRows, specColumns } from './table.ts';

/** A request the test answers when it likes. */
function deferred<T>() {
	let resolve!: (value: T) => void;
	const promise = new Promise<T>((r) => (resolve = r));
	return { promise, resolve };
}

describe('Resource', () => {
	it('refetches when what it reads changes and keeps only the latest answer', async () => {
		let filter = $state('a');
		const asked: Record<string, ReturnType<typeof deferred<string>>> = {};
		let resource!: Resource<string>;
		const stop = $effect.root(() => {
			resource = new Resource(() => (asked[filter] = deferred<string>()).promise);
		});
		flushSync();
		filter = 'b';
		flushSync();
		expect(Object.keys(asked)).toEqual(['a', 'b']);
		expect(resource.loading).toBe(true);
		asked.b!.resolve('answer b');
		await Promise.resolve();
		await Promise.resolve();
		asked.a!.resolve('answer a (late)');
		await new Promise((r) => setTimeout(r, 0));
		expect(resource.value).toBe('answer b');
		expect(resource.loading).toBe(false);
		stop();
	});

	it('loads nothing while the fetcher says there is nothing to load, and reloads on request', async () => {
		let allowed = $state(false);
		let calls = 0;
		let resource!: Resource<number>;
		const stop = $effect.root(() => {
			resource = new Resource(() => (allowed ? Promise.resolve(++calls) : null));
		});
		flushSync();
		expect(calls).toBe(0);
		allowed = true;
		flushSync();
		resource.reload();
		await new Promise((r) => setTimeout(r, 0));
		expect(calls).toBe(2);
		expect(resource.value).toBe(2);
		stop();
	});

	it('fresh: drops the previous answer when what it reads changes, keeps it across reload', async () => {
		let id = $state(1);
		let resource!: Resource<string>;
		const stop = $effect.root(() => {
			resource = new Resource(() => Promise.resolve(`indicator ${id}`), { fresh: true });
		});
		flushSync();
		await new Promise((r) => setTimeout(r, 0));
		expect(resource.value).toBe('indicator 1');
		resource.reload();
		expect(resource.value).toBe('indicator 1');
		id = 2;
		flushSync();
		expect(resource.value).toBeNull();
		await new Promise((r) => setTimeout(r, 0));
		expect(resource.value).toBe('indicator 2');
		stop();
	});

	it('stops loading when the fetcher has nothing more to load', () => {
		let allowed = $state(true);
		let resource!: Resource<number>;
		const stop = $effect.root(() => {
			resource = new Resource(() => (allowed ? new Promise<number>(() => {}) : null));
		});
		flushSync();
		expect(resource.loading).toBe(true);
		allowed = false;
		flushSync();
		expect(resource.loading).toBe(false);
		stop();
	});

	it('shows a failure as the error text and keeps what was thrown', async () => {
		const thrown = new Error('服务暂不可用');
		let resource!: Resource<number>;
		const stop = $effect.root(() => {
			resource = new Resource(() => Promise.reject(thrown));
		});
		flushSync();
		await new Promise((r) => setTimeout(r, 0));
		expect(resource.error).toBe('服务暂不可用');
		expect(resource.failure).toBe(thrown);
		expect(resource.value).toBeNull();
		stop();
	});
});

describe('table columns from a TableSpec', () => {
	const spec = {
		title: '逾期未完成指标清单',
		columns: [
			{ header: '序号', kind: 'integer' as const, width: 3 },
			{ header: '单位', kind: 'text' as const, width: 10 },
			{ header: '完成率', kind: 'percent' as const, width: 5 }
		],
		rows: [
			[1, '省发展改革委', 0.5],
			[2, '省大数据局', null],
			[3, '杭州市', 0.25]
		]
	};
	it('reads each column from its place in the row and sorts by it, empty values last', () => {
		const [, unit, rate] = specColumns(spec);
		expect(spec.rows.map((r) => unit!.value!(r))).toEqual(['省发展改革委', '省大数据局', '杭州市']);
		expect(sortRows(spec.rows, rate, 'ascending').map((r) => r[0])).toEqual([3, 1, 2]);
		expect(sortRows(spec.rows, rate, 'descending').map((r) => r[0])).toEqual([1, 3, 2]);
	});
});
