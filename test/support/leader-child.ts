// A job runner contending for leadership in a process of its own, for tests that kill it (kill -9).
// Arguments: the SQLite file or the postgres:// URL, lease ms, renew ms. Prints "elected" / "lost".
import { startLeadership } from '../../tasks/leader.ts';

const [where = '', leaseMs, renewMs] = process.argv.slice(2);
const postgres = where.startsWith('postgres');
startLeadership(
	{ databaseUrl: postgres ? where : undefined, dbFile: where },
	{
		name: 'jobs',
		leaseMs: Number(leaseMs),
		renewMs: Number(renewMs),
		onElected: () => console.log('elected'),
		onLost: () => console.log('lost')
	}
);
