// Adds up the suites' JSON reports into the one closing line CI reads.
import { existsSync, readFileSync } from 'node:fs';

const read = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null);
const unit = read('reports/unit.json');
const e2e = read('reports/e2e.json');
const docs = read('reports/docs.json');

const unitPassed = unit?.numPassedTests ?? 0;
// A file that failed without a failing test (it did not load, or a hook failed) counts as one failure, so
// a broken file never passes silently; a failing test counts once, not again for its file and describe.
const brokenFiles = (unit?.testResults ?? []).filter(
	(f) => f.status === 'failed' && !f.assertionResults.some((t) => t.status === 'failed')
).length;
const unitFailed = unit ? unit.numFailedTests + brokenFiles : 1;
const e2ePassed = e2e?.stats.expected ?? 0;
const e2eFailed = e2e ? e2e.stats.unexpected + e2e.stats.flaky + (e2e.errors?.length ?? 0) : 1;
const docsPassed = docs?.passed ?? 0;
const docsFailed = docs ? docs.failed : 1;

console.log(
	`\nunit/API/CLI: ${unitPassed} passed, ${unitFailed} failed; browser: ${e2ePassed} passed, ${e2eFailed} failed; documents: ${docsPassed} passed, ${docsFailed} failed`
);
const failed = unitFailed + e2eFailed + docsFailed;
console.log(`${unitPassed + e2ePassed + docsPassed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
