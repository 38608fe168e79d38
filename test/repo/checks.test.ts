// The checks `npm test` runs first hold all our code. `npm run format:check` holds the code to Prettier, but only the files
// .prettierignore lets through: a pattern written for the editors' content/ folder once matched
// src/content/ and test/content/ as well (gitignore patterns match at any depth), and 50 files went
// unchecked. The ignore file may leave out published bytes and content, never our code.

import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { getFileInfo } from 'prettier';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const codeFolders = ['src', 'test', 'infra', 'functions', 'bench', 'scripts', 'bin'];

function codeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return codeFiles(path);
    return /\.(ts|mjs|js)$/.test(entry.name) ? [path] : [];
  });
}

describe('.prettierignore', () => {
  it('leaves every code file to the format check', async () => {
    const files = codeFolders.flatMap((folder) => codeFiles(join(repo, folder)));
    expect(files.length).toBeGreaterThan(300);
    const ignorePath = join(repo, '.prettierignore');
    const ignored: string[] = [];
    for (const file of files) {
      if ((await getFileInfo(file, { ignorePath })).ignored) ignored.push(relative(repo, file));
    }
    // The one code file left as it is: the permalink rules are deployed as written (a CloudFront function).
    expect(ignored).toEqual(['src/discovery/permalinkRules.js']);
  });

  it('still ignores the editors\u2019 content folder', async () => {
    expect((await getFileInfo(join(repo, 'content/site.yaml'), { ignorePath: join(repo, '.prettierignore') })).ignored).toBe(true);
  });
});

describe('the lint', () => {
  it('suppresses nothing in bulk: a finding is fixed where it is, not recorded in eslint-suppressions.json', () => {
    // ESLint applies that file by itself whenever it exists (`eslint --suppress-all` writes it).
    expect(existsSync(join(repo, 'eslint-suppressions.json'))).toBe(false);
  });
});
