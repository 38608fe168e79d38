// Entry of every worker thread: registers tsx in this thread, then loads the TypeScript
// module named in workerData (Node does not pass `--import` hooks on to workers).
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.module);
