// Entry of every worker process: registers tsx, then loads the TypeScript module named by the
// first argument (a forked process gets no `--import` hooks of its parent's choosing).
import { register } from 'tsx/esm/api';

register();
await import(process.argv[2]);
