// The audit trail's provenance in watch mode (src/cli/localBuild.ts `gitProvenanceOfCheckout`):
// git runs again only when HEAD or its branch moved, so each build still names the commit the
// content is at: after a new commit, an amended one, a branch switch, a detached checkout, refs
// packed by `git gc`, and in a linked worktree; outside a repository, none.

import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitProvenance, gitProvenanceOfCheckout } from '../../src/cli/localBuild.ts';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=李编辑', '-c', 'user.email=li@huainan.gov.cn', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

async function commit(repo: string, file: string, text: string, ...extra: string[]): Promise<string> {
  await writeFile(join(repo, file), text);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', `更新 ${file}`, ...extra);
  return git(repo, 'rev-parse', 'HEAD');
}

describe('provenance of a checkout that builds again and again', () => {
  it('names the commit the content is at after every kind of move of HEAD', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'gazette-provenance-'));
    git(repo, 'init', '-q');
    const content = join(repo, 'content');
    await mkdir(content);
    const first = await commit(repo, 'content/site.yaml', 'name: 淮南市人民政府\n');
    const provenance = gitProvenanceOfCheckout(content);
    const now = async () => (await provenance()).commit;

    expect(await provenance()).toEqual({ commit: first, author: '李编辑 <li@huainan.gov.cn>' });
    expect(await now()).toBe(first);
    const second = await commit(repo, 'content/a.md', '甲');
    expect(await now()).toBe(second);
    const amended = await commit(repo, 'content/a.md', '乙', '--amend');
    expect(amended).not.toBe(second);
    expect(await now()).toBe(amended);

    git(repo, 'checkout', '-q', '-b', 'draft');
    const onDraft = await commit(repo, 'content/b.md', '丙');
    expect(await now()).toBe(onDraft);
    git(repo, 'checkout', '-q', 'main');
    expect(await now()).toBe(amended);
    git(repo, 'checkout', '-q', '--detach', first);
    expect(await now()).toBe(first);
    git(repo, 'checkout', '-q', 'main');

    // Refs packed away: the branch has no file of its own any more.
    git(repo, 'pack-refs', '--all');
    expect(await now()).toBe(amended);
    const afterPacking = await commit(repo, 'content/c.md', '丁');
    expect(await now()).toBe(afterPacking);

    // A linked worktree keeps HEAD in a folder of its own and the branches in the main one.
    const worktree = join(await mkdtemp(join(tmpdir(), 'gazette-provenance-wt-')), 'wt');
    git(repo, 'worktree', 'add', '-q', '-b', 'review', worktree);
    const inWorktree = gitProvenanceOfCheckout(join(worktree, 'content'));
    expect((await inWorktree()).commit).toBe(afterPacking);
    const reviewed = await commit(worktree, 'content/d.md', '戊');
    expect((await inWorktree()).commit).toBe(reviewed);
    expect(await now()).toBe(afterPacking);

    // Every answer is the one git gives.
    expect(await provenance()).toEqual(await gitProvenance(content));
  });

  it('names none outside a repository', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'gazette-provenance-none-'));
    const provenance = gitProvenanceOfCheckout(outside);
    expect(await provenance()).toEqual({});
    expect(await provenance()).toEqual({});
  });
});
