// The build state in the bucket: the render fingerprint of the last finished build, and whether a
// build stopped between its first write and its listings (the next one then redoes them all).

import { outputFormats } from '../outputs.ts';
import { type ObjectStore, PRIVATE_PREFIX } from '../store/ports.ts';

export const BUILD_STATE_KEY = `${PRIVATE_PREFIX}state/build.json`;

export interface BuildState {
  fingerprint: string;
  /** False from the first write of a build until its listings are out: a retry redoes them all. */
  complete?: boolean;
}

export async function holdsNothing(objects: ObjectStore, prefix: string): Promise<boolean> {
  for await (const _ of objects.listKeys(prefix)) return false;
  return true;
}

export async function readBuildState(objects: ObjectStore): Promise<BuildState | undefined> {
  const stored = await objects.get(BUILD_STATE_KEY);
  return stored === undefined ? undefined : (JSON.parse(Buffer.from(stored.body).toString('utf8')) as BuildState);
}

export async function writeBuildState(objects: ObjectStore, state: BuildState): Promise<void> {
  const body = Buffer.from(JSON.stringify(state), 'utf8');
  await objects.put({ key: BUILD_STATE_KEY, body, contentType: outputFormats.json.mediaType });
}
