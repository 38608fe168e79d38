// Entry of every worker process: loads the module named by the first argument the way the command
// loaded its own code, from the same bundle or through tsx (a forked process gets no `--import`
// hooks of its parent's choosing).
import { importSource } from '../../bin/sourceBundle.mjs';

await importSource(process.argv[2]);
