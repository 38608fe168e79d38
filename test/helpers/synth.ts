// The stack as synthesized for a context, shared by the test files of the run: the template, the
// warnings the synth reported, and each construct's logical id. A synth with cdk-nag costs
// seconds of CPU, most of it a process's first, so the run has one synthesizing process
// (./synthProcess.ts, started by test/globalSetup.ts on the first request) and each context is
// synthesized once, again only when a file of infra/ or src/ changed (watch mode). A test that
// needs the construct tree itself (cdk-nag's validateScope, construct metadata) builds its own app.
//
//   const { template, resources } = await synthesized({ 'gazette:renderJobConcurrency': 40 });

import { Template } from 'aws-cdk-lib/assertions';
import { inject } from 'vitest';

export interface SynthResult {
  /** The template as `Template.fromStack(stack).toJSON()` gives it. */
  json: { Resources: Record<string, SynthResource> } & Record<string, unknown>;
  /** Each warning's data, as `Annotations.fromStack(stack).findWarning('*', …)` gives it. */
  warnings: unknown[];
  /** Construct path under the stack (`SiteBucket`, `NotifyQueue/Queue`) → its resource's logical id. */
  logicalIds: Record<string, string>;
  stackName: string;
}

export interface SynthRequest {
  id: number;
  context: Record<string, unknown>;
}

export type SynthResponse = { id: number; result: SynthResult } | { id: number; error: string };

export type SynthResource = { Type: string; Properties: Record<string, unknown>; [key: string]: unknown };

export interface SynthesizedStack extends SynthResult {
  /** For aws-cdk-lib's assertions (`hasResourceProperties`, `findResources`…). */
  template: Template;
  resources: Record<string, SynthResource>;
}

const synthesizedHere = new Map<string, Promise<SynthesizedStack>>();

/** The stack synthesized with these context values (as `-c key=value` passes them) and placeholder bundles. */
export function synthesized(context: Record<string, unknown> = {}): Promise<SynthesizedStack> {
  const key = JSON.stringify(context);
  let found = synthesizedHere.get(key);
  if (found === undefined) {
    found = request(context);
    synthesizedHere.set(key, found);
  }
  return found;
}

async function request(context: Record<string, unknown>): Promise<SynthesizedStack> {
  const response = await fetch(inject('synthUrl'), { method: 'POST', body: JSON.stringify(context) });
  const text = await response.text();
  if (!response.ok) throw new Error(`Synthesizing the stack with context ${JSON.stringify(context)} failed:\n${text}`);
  const result = JSON.parse(text) as SynthResult;
  return { ...result, template: Template.fromJSON(result.json), resources: result.json.Resources };
}
