// The run's synthesizer (started by test/globalSetup.ts on the first request, see ./synth.ts): one
// Node process that synthesizes the stack for each context it is sent, with placeholder bundles,
// and answers with what the tests read. A process's first synth costs several seconds of CPU
// (aws-cdk-lib's modules load as they are used, cdk-nag's rule packs run); later ones cost a
// fraction, so one process for the run instead of one per test file.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { createGazetteApp } from '../../infra/app.ts';
import { functionNames } from '../../infra/functions.ts';
import type { SynthRequest, SynthResponse, SynthResult } from './synth.ts';

const workDir = process.argv[2] as string;
for (const name of functionNames) {
  await mkdir(join(workDir, 'bundles', name), { recursive: true });
  // A bundle of its own per function, as in a real synth (each its own asset).
  await writeFile(join(workDir, 'bundles', name, 'index.mjs'), `export const handler = async () => ({}); // ${name}\n`);
}

let count = 0;
process.on('message', (request: SynthRequest) => {
  let response: SynthResponse;
  try {
    const { stack } = createGazetteApp({ bundlesDir: join(workDir, 'bundles'), outdir: join(workDir, `out-${count++}`), context: request.context });
    const json = Template.fromStack(stack).toJSON() as SynthResult['json'];
    const warnings = Annotations.fromStack(stack)
      .findWarning('*', Match.anyValue())
      .map((message) => message.entry.data);
    // Construct path under the stack (`SiteBucket`, `NotifyQueue/Queue`) → logical id of its resource.
    const logicalIds: Record<string, string> = {};
    for (const construct of stack.node.findAll()) {
      const resource = construct.node.defaultChild ?? construct;
      if (construct === stack || !(resource instanceof CfnElement)) continue;
      logicalIds[construct.node.path.slice(stack.node.path.length + 1)] = stack.getLogicalId(resource);
    }
    response = { id: request.id, result: { json, warnings, logicalIds, stackName: stack.stackName } };
  } catch (error) {
    response = { id: request.id, error: String((error as Error).stack ?? error) };
  }
  process.send?.(response);
});
process.send?.({ ready: true });
