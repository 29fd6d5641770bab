/**
 * The supervisor's line of write turns (db/write-turns.ts) with stand-in children: turns granted one at a
 * time in arrival order, a child that is gone loses its turn and its asks. (test/processes.test.ts runs it between real web processes.)
 */
import { describe, expect, it } from 'vitest';
import { type TurnMessage, writeTurns } from './write-turns.ts';

function child(name: string) {
	const got: string[] = [];
	return {
		name,
		got,
		connected: true,
		isConnected() {
			return this.connected;
		},
		send(m: TurnMessage) {
			got.push(`${m.op} ${m.id}`);
		}
	};
}
type Child = ReturnType<typeof child>;
const msg = (op: TurnMessage['op'], id: number): TurnMessage => ({ duban: 'write-turn', op, id });

describe('writeTurns: the supervisor side', () => {
	it('grants one turn at a time, in the order asked, each process in its place', () => {
		const turns = writeTurns<Child>();
		const [a, b, c] = [child('a'), child('b'), child('c')];
		turns.message(a, msg('ask', 1));
		turns.message(b, msg('ask', 1));
		turns.message(a, msg('ask', 2));
		turns.message(c, msg('ask', 1));
		expect(a.got).toEqual(['grant 1']);
		expect(b.got).toEqual([]);
		turns.message(a, msg('release', 1));
		expect(b.got).toEqual(['grant 1']);
		// a's second ask came before c's: a goes next although it just had a turn, then c.
		turns.message(b, msg('release', 1));
		expect(a.got).toEqual(['grant 1', 'grant 2']);
		expect(c.got).toEqual([]);
		// b asks again: behind c.
		turns.message(b, msg('ask', 2));
		turns.message(a, msg('release', 2));
		expect(c.got).toEqual(['grant 1']);
		expect(b.got).toEqual(['grant 1']);
		turns.message(c, msg('release', 1));
		expect(b.got).toEqual(['grant 1', 'grant 2']);
	});

	it('passes on the turn of a child that is gone and drops its asks; a withdrawn ask is skipped', () => {
		const turns = writeTurns<Child>();
		const [a, b, c] = [child('a'), child('b'), child('c')];
		turns.message(a, msg('ask', 1));
		turns.message(b, msg('ask', 1));
		turns.message(a, msg('ask', 2));
		turns.message(c, msg('ask', 1));
		turns.message(c, msg('ask', 2));
		// c withdraws its first ask (it stopped waiting); a release that is not the holder's changes nothing.
		turns.message(c, msg('release', 1));
		turns.message(b, msg('release', 7));
		a.connected = false;
		turns.gone(a);
		expect(b.got).toEqual(['grant 1']);
		turns.message(b, msg('release', 1));
		expect(c.got).toEqual(['grant 2']);
		expect(a.got).toEqual(['grant 1']);
	});
});
