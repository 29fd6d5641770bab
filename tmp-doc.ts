import { startTestServer } from './test/support/harness.ts';
const s = await startTestServer();
const r = await fetch(s.base + '/api/v1/openapi.json');
console.log(r.status, r.headers.get('x-request-id'));
const d = await r.json();
import { writeFileSync } from 'node:fs';
writeFileSync('/tmp/openapi.json', JSON.stringify(d, null, 1));
await s.close();
