// The checks that span files (phase 5 of loadContent): issue numbering, unique ids and 文号,
// translations, routes, and files left in content/ that nothing publishes.

import { posix } from 'node:path';
import { fieldsOf, positionFrom } from './analyze.ts';
import type { GazetteDocument, GazetteIssue } from './model.ts';
import { didYouMean } from './suggest.ts';
import { type Report, type SourceFile } from './sourceFiles.ts';

export function checkIssueNumbering(entries: { issue: GazetteIssue; source: SourceFile }[], report: Report): void {
  const sorted = [...entries].sort((a, b) => a.issue.year - b.issue.year || a.issue.number - b.issue.number);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1] as (typeof sorted)[number];
    const current = sorted[i] as (typeof sorted)[number];
    const { issue } = current;
    const at = (path: string[]) => positionFrom(current.source.source.positions, path);
    const sameYear = previous.issue.year === issue.year;
    if (sameYear && issue.number > previous.issue.number + 1) {
      const missing = Array.from({ length: issue.number - previous.issue.number - 1 }, (_, k) => String(previous.issue.number + 1 + k).padStart(2, '0'));
      report(issue.file, at(['number']), {
        severity: 'error',
        ruleId: 'issue-number-gap',
        message: `Issue ${issue.year} 第${issue.number}期 follows 第${previous.issue.number}期: ${missing.map((nn) => `gazette/${issue.year}/${nn}/`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing.`,
        hint: 'Add the missing issue, or correct `number` and the folder name.',
      });
    }
    const consecutive = sameYear ? issue.number === previous.issue.number + 1 : issue.year === previous.issue.year + 1 && issue.number === 1;
    const expected = previous.issue.totalNumber + 1;
    if ((consecutive && issue.totalNumber !== expected) || issue.totalNumber <= previous.issue.totalNumber) {
      report(issue.file, at(['totalNumber']), {
        severity: 'error',
        ruleId: 'total-number-sequence',
        message: `\`totalNumber\` (总期号) is ${issue.totalNumber}, but the previous issue ${previous.issue.file} is 总第${previous.issue.totalNumber}期.`,
        expected: consecutive ? String(expected) : `more than ${previous.issue.totalNumber}`,
        hint: consecutive ? `Write totalNumber: ${expected}` : "Each issue's 总期号 is one more than the previous issue's.",
      });
    }
  }
}

export function checkUniqueIds(sources: SourceFile[], report: Report): void {
  // Ids of every valid front matter count, including documents that failed later checks.
  const claims = new Map<string, SourceFile[]>();
  for (const file of sources) {
    const id = (fieldsOf(file.source) as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string') continue;
    const owners = claims.get(id);
    if (owners === undefined) claims.set(id, [file]);
    else owners.push(file);
  }
  for (const [id, owners] of claims) {
    if (owners.length < 2) continue;
    for (const owner of owners) {
      const others = owners.filter((other) => other !== owner).map((other) => `content/${other.rel}`);
      report(owner.rel, positionFrom(owner.source.positions, ['id']), {
        severity: 'error',
        ruleId: 'duplicate-id',
        message: `The id "${id}" is also claimed by ${others.join(', ')}.`,
        hint: 'Ids are permanent and unique: keep it on the original document and give the other one a new id.',
      });
    }
  }
}

/**
 * A 文号 names one document. The same 文号 twice is a typing slip or the same document filed
 * twice; a translation carries its original's 文号 and is no repeat.
 */
export function checkUniqueDocNumbers(sources: SourceFile[], report: Report): void {
  const claims = new Map<string, { file: SourceFile; id?: string; translationOf?: string }[]>();
  for (const file of sources) {
    const data = fieldsOf(file.source) as { id?: string; docNumber?: string; translationOf?: string } | undefined;
    if (data?.docNumber === undefined) continue;
    const claim = {
      file,
      ...(data.id === undefined ? {} : { id: data.id }),
      ...(data.translationOf === undefined ? {} : { translationOf: data.translationOf }),
    };
    const owners = claims.get(data.docNumber);
    if (owners === undefined) claims.set(data.docNumber, [claim]);
    else owners.push(claim);
  }
  for (const [docNumber, claimants] of claims) {
    // Each original with its translations is one document.
    const originals = claimants.filter((claim) => claim.translationOf === undefined || !claimants.some((other) => other.id === claim.translationOf));
    if (originals.length < 2) continue;
    for (const owner of originals) {
      const others = originals.filter((other) => other !== owner).map((other) => `content/${other.file.rel}`);
      report(owner.file.rel, positionFrom(owner.file.source.positions, ['docNumber']), {
        severity: 'error',
        ruleId: 'duplicate-doc-number',
        message: `The 文号 ${docNumber} is also the 文号 of ${others.join(', ')}.`,
        expected: "a 文号 used by one document only (a translation may repeat its original's, with `translationOf`)",
        hint: 'Check the 文号 against the signed original and correct the wrong one; if both files are the same document, keep one (a published one is withdrawn, not deleted).',
      });
    }
  }
}

export function checkTranslations(sources: SourceFile[], report: Report): void {
  const ids = new Set(sources.map((file) => (fieldsOf(file.source) as { id?: unknown } | undefined)?.id).filter((id): id is string => typeof id === 'string'));
  for (const file of sources) {
    const data = fieldsOf(file.source) as { id?: string; translationOf?: string } | undefined;
    const target = data?.translationOf;
    if (target === undefined) continue;
    const at = positionFrom(file.source.positions, ['translationOf']);
    if (target === data?.id) {
      report(file.rel, at, {
        severity: 'error',
        ruleId: 'unknown-translation',
        message: 'A document cannot be a translation of itself.',
        hint: 'Write the id of the original document.',
      });
    } else if (!ids.has(target)) {
      const hint = didYouMean(target, ids);
      report(file.rel, at, {
        severity: 'error',
        ruleId: 'unknown-translation',
        message: `\`translationOf\` names "${target}", but no document has that id.`,
        hint: hint ?? 'Write the `id` of the original document, as in its front matter.',
      });
    }
  }
}

export function buildRoutes(documents: GazetteDocument[], issues: GazetteIssue[], sources: SourceFile[], report: Report): Map<string, string> {
  const routes = new Map<string, string>();
  const pages = new Map<string, string[]>();
  for (const file of sources) {
    const owners = pages.get(file.role.urlPath);
    if (owners === undefined) pages.set(file.role.urlPath, [file.rel]);
    else owners.push(file.rel);
  }
  for (const [urlPath, owners] of pages) {
    if (owners.length < 2) continue;
    const positions = new Map(sources.map((file) => [file.rel, file.source.positions]));
    for (const owner of owners) {
      report(owner, positionFrom(positions.get(owner) ?? {}, ['id']), {
        severity: 'error',
        ruleId: 'duplicate-output',
        message: `${urlPath} would be published from ${owners.map((file) => `content/${file}`).join(' and ')}.`,
        hint: 'Keep one of them: a release is either press/<year>/<slug>.md or the bundle press/<year>/<slug>/index.md.',
      });
    }
  }
  checkForeignFiles(documents, report);
  for (const issue of issues) routes.set(issue.file, issue.urlPath);
  for (const doc of documents) routes.set(doc.file, doc.urlPath);
  for (const doc of documents) {
    for (const file of [...doc.attachments, ...(doc.assets ?? [])]) if (!routes.has(file.file)) routes.set(file.file, file.urlPath);
  }
  return routes;
}

/**
 * A body may link the files of its own document only: a file another document lists as an
 * attachment, or one inside another bundle's folder, would be published again beside this page,
 * even while that document is a draft or under embargo.
 */
export function checkForeignFiles(documents: GazetteDocument[], report: Report): void {
  const owners = new Map<string, GazetteDocument>();
  for (const doc of documents) for (const file of doc.attachments) owners.set(file.file, doc);
  const bundles = documents.filter((doc) => doc.file.endsWith('/index.md') && doc.file.startsWith('press/'));
  for (const doc of documents) {
    for (const asset of doc.assets ?? []) {
      const owner = owners.get(asset.file) ?? bundles.find((bundle) => bundle !== doc && asset.file.startsWith(bundle.file.slice(0, -'index.md'.length)));
      if (owner === undefined || owner === doc) continue;
      report(
        doc.file,
        { line: doc.bodyLine, column: 1 },
        {
          severity: 'error',
          ruleId: 'foreign-file',
          message: `The body links content/${asset.file}, a file of content/${owner.file}; it would be published again beside this page, whatever the state of that document.`,
          expected: "links to this document's own files, or to another document's page",
          hint: `Link to the document instead, e.g. [${owner.title}](${posix.relative(posix.dirname(doc.file), owner.file)}), where its files are listed.`,
        },
      );
    }
  }
}
