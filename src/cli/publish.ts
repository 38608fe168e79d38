// `gazette publish --target aws`: what the editors' CI runs after a merge. Validate the content
// (nothing is uploaded when there is an error), then upload what changed to the source bucket with
// the commit and author. The upload triggers the render function; the site follows within minutes.

import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { clientsFromEnv } from '../aws/env.ts';
import { SOURCE_PREFIX } from '../aws/publishFromSource.ts';
import { SOURCE_PACK } from '../aws/sourcePack.ts';
import { uploadSources } from '../aws/uploadSources.ts';
import { loadContent } from '../content/load.ts';
import { formatMessages } from '../content/messages.ts';
import { createS3ObjectStore } from '../store/s3.ts';
import { parseCommand } from './args.ts';
import { type CliIo, shownPath } from './io.ts';

const help = `Usage: gazette publish --target aws [options]

Validate content/, then upload every changed file to the source bucket of the AWS deployment
(s3://BUCKET/content/), tagged with the commit and its author, and delete files removed from
content/. The render function publishes the change; the site shows it within a few minutes.
Nothing is uploaded when the content has errors.

Options:
  --target aws     where to publish (only "aws"; for a local build run \`gazette build\`)
  --bucket NAME    the source bucket (default: $GAZETTE_SOURCE_BUCKET; the stack output SourceBucketName)
  --content DIR    content folder (default: content)
  --commit ID      the commit being published (default: $GITHUB_SHA, else \`git rev-parse HEAD\`)
  --author NAME    who published it (default: the commit's author from git, else $GITHUB_ACTOR)
  --dry-run        validate and list what would be uploaded, upload nothing
  -h, --help       show this help

AWS credentials and region come from the environment (e.g. aws-actions/configure-aws-credentials).
`;

export async function runPublish(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand(argv, io, {
    name: 'gazette publish',
    help,
    options: {
      target: { type: 'string' },
      bucket: { type: 'string' },
      content: { type: 'string', default: 'content' },
      commit: { type: 'string' },
      author: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (values.target !== 'aws') {
    const got = values.target === undefined ? 'no --target was given' : `--target "${values.target}" is not a target`;
    io.stderr.write(`gazette publish: ${got}. Use --target aws to publish to the AWS deployment, or \`gazette build\` to build locally.\n`);
    return 1;
  }
  const bucket = values.bucket ?? env['GAZETTE_SOURCE_BUCKET'];
  if (bucket === undefined || bucket === '') {
    io.stderr.write('gazette publish: no source bucket. Pass --bucket with the stack output SourceBucketName, or set GAZETTE_SOURCE_BUCKET.\n');
    return 1;
  }
  const contentDir = resolve(io.cwd, values.content);
  const shown = shownPath(io, contentDir);
  // Embargo link checks need the clock: a document without publishAt goes public now.
  const { content, messages } = await loadContent(contentDir, { now: io.now() });
  if (messages.length > 0) (content === undefined ? io.stderr : io.stdout).write(formatMessages(messages, { contentDir: shown }));
  if (content === undefined) {
    io.stderr.write('Nothing was uploaded: fix the errors above and publish again. The site is unchanged.\n');
    return 1;
  }
  const commit = values.commit ?? nonEmpty(env['GITHUB_SHA']) ?? git(contentDir, ['rev-parse', 'HEAD']) ?? 'unknown';
  const author = values.author ?? git(contentDir, ['log', '-1', '--format=%an <%ae>']) ?? nonEmpty(env['GITHUB_ACTOR']) ?? 'unknown';
  const clients = clientsFromEnv(env);
  try {
    const summary = await uploadSources({
      client: clients.s3,
      store: createS3ObjectStore({ client: clients.s3, bucket }),
      bucket,
      prefix: SOURCE_PREFIX,
      contentDir,
      commit,
      author,
      dryRun: values['dry-run'],
    });
    const verb = values['dry-run'] ? 'Would upload' : 'Uploaded';
    for (const rel of summary.uploaded) io.stdout.write(`  upload  ${shown}/${rel}\n`);
    for (const rel of summary.deleted) io.stdout.write(`  delete  ${shown}/${rel}\n`);
    io.stdout.write(
      `${verb} ${summary.uploaded.length} changed file(s) and ${values['dry-run'] ? 'would delete' : 'deleted'} ${summary.deleted.length}, ` +
        `${summary.unchanged} unchanged, to s3://${bucket}/${SOURCE_PREFIX} (commit ${commit.slice(0, 12)} by ${author}).\n`,
    );
    if (summary.pack !== undefined && 'error' in summary.pack) {
      io.stderr.write(
        `gazette publish: the source pack s3://${bucket}/${SOURCE_PREFIX}${SOURCE_PACK} was not written: ${summary.pack.error}\n` +
          'The content is uploaded and will be published; without the pack a function that starts cold fetches every file by itself, which is slower. ' +
          `Let the CI role s3:PutObject on ${SOURCE_PREFIX}* and publish again.\n`,
      );
    } else if (summary.pack !== undefined) {
      io.stdout.write(
        `Wrote the source pack (${summary.pack.files} Markdown and YAML files, ${(summary.pack.bytes / 1024 / 1024).toFixed(1)} MB) for the functions' first sync.\n`,
      );
    }
    if (!values['dry-run'] && summary.uploaded.length + summary.deleted.length > 0) {
      io.stdout.write('The render function publishes the change; the site shows it within a few minutes.\n');
    }
    return 0;
  } catch (error) {
    io.stderr.write(
      `gazette publish: the upload to s3://${bucket}/${SOURCE_PREFIX} failed: ${(error as Error).message}\n` +
        'Some files may be uploaded and others not; the render function publishes only content that validates. Run the command again to finish.\n',
    );
    return 1;
  } finally {
    clients.destroy();
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function git(cwd: string, args: string[]): string | undefined {
  try {
    return nonEmpty(execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return undefined;
  }
}
