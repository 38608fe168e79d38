// Entry of every worker thread: loads the module named in workerData the way the command loaded
// its own code, from the same bundle or through tsx (Node does not pass `--import` hooks on to workers).
import { workerData } from 'node:worker_threads';
import { importSource } from '../../bin/sourceBundle.mjs';

await importSource(workerData.module);
