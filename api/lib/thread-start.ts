/**
 * Where every worker thread starts (startThread in worker-context.ts): the module hooks first, which a
 * thread does not inherit (module-hooks.ts: about 60 MB less a thread), then the thread's own module.
 */
import './module-hooks.ts';

await import(process.argv.at(-1)!);
