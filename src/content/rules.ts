// The catalogue of check rules: every rule id a message of `gazette check` (or of a build that
// checks content) carries, with what it reports, what was expected and what to do. Rule ids are
// permanent: editors search for them and CI logs keep them. The rule table of docs/authoring.md is
// generated from this object (`npm run docs:rules`), and test/content/rules.test.ts holds the code,
// the catalogue and the table to each other, as Astro does with its error data.

export interface Rule {
  /** How the rule reports: errors stop a build, warnings do not. */
  severity: 'error' | 'warning';
  /** What the rule reports, in one sentence. */
  title: string;
  /** What the content should look like, when there is one form. */
  expected?: string;
  /** What the editor does about it. */
  hint: string;
}

export const rules = {
  'missing-content-folder': {
    severity: 'error',
    title: 'The content folder does not exist.',
    hint: 'Run the command in the repository that holds `content/`, or pass `--content DIR`.',
  },
  'missing-site-config': {
    severity: 'error',
    title: 'There is no `site.yaml`.',
    hint: 'Create `content/site.yaml` with the site name, departments, topics and sections.',
  },
  'misplaced-file': {
    severity: 'error',
    title: 'A Markdown file outside the folder layout (it would never be published), or a file in `calendar/` not named `<year>.yaml`.',
    expected: 'a path of the folder layout in docs/authoring.md',
    hint: 'Move the file into the layout, or rename it after its year.',
  },
  'invalid-slug': {
    severity: 'error',
    title: 'A document\'s file or folder name is not lower-case ASCII.',
    expected: '`[a-z0-9][a-z0-9-]*`, e.g. `huaifu-2010-69`',
    hint: 'Rename the file or folder in lower-case ASCII (pinyin is fine).',
  },
  'outside-content': {
    severity: 'error',
    title: 'A Markdown file is a symbolic link to a file outside `content/`.',
    hint: 'Copy the file into `content/` instead of linking it.',
  },
  'file-too-large': {
    severity: 'error',
    title: 'A Markdown file over 1 MiB, or an attachment over 50 MiB.',
    expected: 'a Markdown file up to 1 MiB, an attachment up to 50 MiB',
    hint: 'Split the document, or compress or split the attachment.',
  },
  'invalid-utf8': {
    severity: 'error',
    title: 'The file is not UTF-8 (often GBK); the line is named.',
    expected: 'UTF-8 text',
    hint: 'Save the file as UTF-8 (in most editors: "Save with encoding").',
  },
  'nul-byte': {
    severity: 'error',
    title: 'The file contains a NUL byte; the line is named.',
    hint: 'Delete the character on the named line; it usually comes from pasting out of another program.',
  },
  'missing-front-matter': {
    severity: 'error',
    title: 'The file does not start with `---` front matter, or it is empty.',
    expected: 'a file that starts with `---`, the fields, then `---`',
    hint: 'Add the front matter; `gazette new` writes a valid one.',
  },
  'unclosed-front-matter': {
    severity: 'error',
    title: 'The opening `---` has no closing `---`.',
    hint: 'Add the closing `---` after the last field.',
  },
  'yaml-syntax': {
    severity: 'error',
    title: 'The YAML cannot be read, or a key appears twice.',
    hint: 'Correct the line named; quote values containing `:` or `#`, and write each key once.',
  },
  'yaml-tag': {
    severity: 'error',
    title: 'A YAML tag such as `!!str`.',
    hint: 'Remove the tag and write the plain value.',
  },
  'yaml-anchor': {
    severity: 'error',
    title: 'A YAML anchor such as `&a`.',
    hint: 'Remove the anchor and write the value out.',
  },
  'yaml-alias': {
    severity: 'error',
    title: 'A YAML alias such as `*a`.',
    hint: 'Write the value out instead of referring to another one.',
  },
  'unknown-field': {
    severity: 'error',
    title: 'A field the kind does not have (with "did you mean").',
    hint: 'Correct the field name (the message suggests the nearest one), or remove the line.',
  },
  'missing-field': {
    severity: 'error',
    title: 'A required field is missing.',
    hint: 'Add the field; the tables of this guide list the required ones.',
  },
  'empty-field': {
    severity: 'error',
    title: 'A text field is empty.',
    hint: 'Write a value, or remove the line if the field is optional.',
  },
  'invalid-type': {
    severity: 'error',
    title: 'A value of the wrong type (e.g. a number where text is expected: quote it).',
    hint: 'Write the value as the table says; quote numbers meant as text.',
  },
  'invalid-value': {
    severity: 'error',
    title: 'A value outside the allowed ones (enums, minimums, `type`).',
    hint: 'Use one of the values the message lists.',
  },
  'invalid-date': {
    severity: 'error',
    title: 'A date not written `YYYY-MM-DD` or that does not exist.',
    expected: 'a real date written `YYYY-MM-DD`, e.g. `2010-05-31`',
    hint: 'Correct the date.',
  },
  'invalid-time': {
    severity: 'error',
    title: 'A conference `time` not written `HH:MM`.',
    expected: '`HH:MM`, quoted, e.g. `"09:30"`',
    hint: 'Write the time with two digits each and quote it.',
  },
  'invalid-publish-at': {
    severity: 'error',
    title: '`publishAt` is not ISO 8601 with an offset.',
    expected: 'ISO 8601 with an offset, e.g. `2010-12-08T10:00:00+08:00`',
    hint: 'Add the date, the time and the offset.',
  },
  'invalid-id': {
    severity: 'error',
    title: 'An id not matching `[a-z0-9][a-z0-9-]{2,63}`, or a column file name that is not one (with the name to use).',
    expected: '`[a-z0-9][a-z0-9-]{2,63}`',
    hint: 'Use lower-case ASCII letters, digits and hyphens; the message gives the name to use.',
  },
  'invalid-doc-number': {
    severity: 'error',
    title: 'A malformed 文号 (`[2010]`, `(2010)`, `（2010）`, `【2010】`, leading zero, no 号), with the corrected form.',
    expected: '`<prefix>〔<year>〕<number>号`, e.g. `淮府〔2010〕69号`',
    hint: 'Write the corrected form the message gives.',
  },
  'doc-number-year': {
    severity: 'warning',
    title: 'The 文号 year differs from the `signedDate` year.',
    hint: 'Check the 文号 and the 成文日期; leave them if the document really was signed in another year.',
  },
  'invalid-base-url': {
    severity: 'error',
    title: '`baseUrl` is not an absolute http(s) URL ending in `/`.',
    expected: 'an absolute http(s) URL ending in `/`',
    hint: 'Write it like `https://www.huainan.gov.cn/`.',
  },
  'invalid-hub-url': {
    severity: 'error',
    title: '`feeds.hub` in `site.yaml` is not an absolute https URL.',
    expected: 'an absolute https URL',
    hint: 'Write the WebSub hub like `https://websub.huainan.example/`.',
  },
  'invalid-org-code': {
    severity: 'error',
    title: 'A department `code` that is not 3–18 digits or upper-case letters.',
    expected: '3–18 digits or upper-case letters, quoted',
    hint: 'Quote the code so leading zeros stay: `code: "003210001"`.',
  },
  'duplicate-site-entry': {
    severity: 'error',
    title: 'Two departments, topics or sections share an id or a name.',
    hint: 'Give each department, topic and section its own id and name.',
  },
  'unknown-department': {
    severity: 'error',
    title: '`department` (or a column `rule.departments` entry) is not a department name in `site.yaml`.',
    expected: 'a department `name` from `site.yaml`',
    hint: 'Use the name exactly as `site.yaml` writes it (the message suggests the nearest), or add the department there.',
  },
  'unknown-category': {
    severity: 'error',
    title: '`category` is not a topic name in `site.yaml`.',
    expected: 'a topic `name` from `site.yaml`',
    hint: 'Use the topic name exactly as `site.yaml` writes it, or add the topic there.',
  },
  'unknown-section': {
    severity: 'error',
    title: '`section` is not a section name in `site.yaml`.',
    expected: 'a section `name` from `site.yaml`',
    hint: 'Use the section name exactly as `site.yaml` writes it, or add the section there.',
  },
  'conference-not-bundle': {
    severity: 'error',
    title: 'A conference written as a single file instead of `<slug>/index.md`.',
    expected: '`press/<year>/<slug>/index.md`',
    hint: 'Move the file into a folder of its slug and name it `index.md`.',
  },
  'unknown-answerer': {
    severity: 'error',
    title: '`answeredBy` is neither the host nor a speaker.',
    expected: 'the name of the host or a speaker',
    hint: 'Write the name as under `host` or `speakers`, or add the speaker.',
  },
  'unknown-translation': {
    severity: 'error',
    title: '`translationOf` names no existing document (or the document itself).',
    expected: 'the id of another document',
    hint: 'Correct the id, or remove `translationOf`.',
  },
  'duplicate-id': {
    severity: 'error',
    title: 'Several files claim the same id; every one of them is listed.',
    hint: 'Give each document its own id; a published id never changes, so change the newer one.',
  },
  'duplicate-doc-number': {
    severity: 'error',
    title: 'Several documents carry the same 文号; every one of them is listed. A translation (`translationOf`) may repeat its original\'s.',
    expected: 'a 文号 used by one document only',
    hint: 'Check the 文号 against the signed original and correct the wrong one; if both files are the same document, keep one.',
  },
  'duplicate-output': {
    severity: 'error',
    title: 'Two sources would be published at the same URL (a release and a bundle of the same slug, or two files of one name in a document).',
    hint: 'Rename one of the sources or files so each has its own URL.',
  },
  'issue-folder-mismatch': {
    severity: 'error',
    title: '`year`/`number` of an issue disagree with its folders.',
    expected: '`year` and `number` equal to the folders',
    hint: 'Correct the fields, or move the issue to the folder they name.',
  },
  'issue-number-gap': {
    severity: 'error',
    title: 'An issue number is skipped within a year.',
    hint: 'Add the missing issue, or renumber.',
  },
  'total-number-sequence': {
    severity: 'error',
    title: '总期号 does not increase by exactly one from the previous issue.',
    expected: 'the previous issue\'s 总期号 plus one',
    hint: 'Correct `totalNumber`.',
  },
  'missing-issue': {
    severity: 'error',
    title: 'An article\'s issue folder has no `index.md`.',
    hint: 'Create the issue\'s `index.md` (`gazette new issue`), or move the article into an existing issue.',
  },
  'attachment-outside-content': {
    severity: 'error',
    title: 'An attachment or linked file is absolute, escapes `content/`, or is a symbolic link leading out of it.',
    expected: 'a path relative to the document, inside `content/`',
    hint: 'Copy the file beside the document and name it by its file name.',
  },
  'missing-attachment': {
    severity: 'error',
    title: 'An attachment does not exist (with the closest file name).',
    hint: 'Add the file, or correct its name (the message gives the closest one).',
  },
  'attachment-type': {
    severity: 'error',
    title: 'An attachment or linked file whose type cannot be published (allowed: pdf doc docx xls xlsx csv txt zip jpg jpeg png gif webp svg).',
    expected: 'pdf doc docx xls xlsx csv txt zip jpg jpeg png gif webp svg',
    hint: 'Convert the file to one of these types.',
  },
  'broken-link': {
    severity: 'error',
    title: 'A relative link or image in the body points at a file that does not exist.',
    hint: 'Correct the path, or add the file it names.',
  },
  'raw-html': {
    severity: 'warning',
    title: 'Raw HTML (or a link) containing what the published page removes: `<script>`, `<iframe>`, `<style>`, `on*` handlers, `javascript:`/`data:` URLs.',
    hint: 'Remove the raw HTML; write it in Markdown.',
  },
  'not-withdrawn': {
    severity: 'error',
    title: '`withdrawnReason` or `withdrawnDate` on a document that is not `status: withdrawn`.',
    hint: 'Remove the field, or add `status: withdrawn` if the document is being withdrawn.',
  },
  'change-before-publication': {
    severity: 'error',
    title: '`changeDate` or `withdrawnDate` is before the document\'s `date`.',
    hint: 'Correct the date: a change or withdrawal comes on or after the 发布日期.',
  },
  'superseded-while-valid': {
    severity: 'error',
    title: '`supersededBy` on an article whose `validity` is 有效.',
    expected: '`validity: 失效` or `废止` with `supersededBy`',
    hint: 'Set `validity`, or remove `supersededBy`.',
  },
  'missing-superseded-by': {
    severity: 'warning',
    title: 'An article is 失效 or 废止 but does not name what replaces it.',
    hint: 'Add `supersededBy` with the id of the replacing document, if there is one.',
  },
  'unknown-superseded-by': {
    severity: 'error',
    title: '`supersededBy` names no existing document (or the document itself).',
    expected: 'the id of another document',
    hint: 'Correct the id.',
  },
  'link-to-draft': {
    severity: 'error',
    title: 'A link (or `supersededBy`) leads to a `draft: true` document, which is never published.',
    hint: 'Publish the linked document first, or remove the link.',
  },
  'link-to-embargoed': {
    severity: 'error',
    title: 'A link (or `supersededBy`) leads to a document whose `publishAt` is later than this page\'s publication.',
    hint: 'Remove the link until the linked document is public, or embargo this page until then.',
  },
  'published-file-deleted': {
    severity: 'error',
    title: 'A published or withdrawn document\'s file was deleted; restore it and withdraw the document instead.',
    hint: 'Restore the file and withdraw the document (`status: withdrawn`) instead.',
  },
  'published-id-changed': {
    severity: 'error',
    title: 'A published document\'s file now has another id; ids are permanent.',
    hint: 'Put the published id back; ids are permanent.',
  },
  'missing-change-note': {
    severity: 'error',
    title: 'A published document changed without a `changeNote`.',
    hint: 'Add `changeNote` and `changeDate` saying what this version changed.',
  },
  'stale-change-note': {
    severity: 'error',
    title: 'A published document changed again, but `changeNote` is the previous version\'s.',
    hint: 'Write a new `changeNote` (and `changeDate`) for this change.',
  },
  'invalid-tag': {
    severity: 'error',
    title: 'A tag longer than 20 characters, or holding a separator (several tags in one entry).',
    expected: 'one tag of at most 20 characters per entry',
    hint: 'Shorten the tag, or split it into several entries.',
  },
  'duplicate-tag': {
    severity: 'error',
    title: 'A tag repeated within a document.',
    hint: 'Delete the second one.',
  },
  'duplicate-entry': {
    severity: 'error',
    title: 'An entry repeated in a column `rule` list, or a calendar working day listed twice.',
    hint: 'Delete the second one.',
  },
  'unknown-topic': {
    severity: 'error',
    title: 'A column `rule.topics` entry is not a topic name in `site.yaml`.',
    expected: 'a topic `name` from `site.yaml`',
    hint: 'Use the topic name exactly as `site.yaml` writes it.',
  },
  'unknown-document': {
    severity: 'error',
    title: 'A column `rule.documents` entry is not the id of a document.',
    expected: 'the id of a document',
    hint: 'Correct the id, or remove the entry.',
  },
  'unused-tag': {
    severity: 'warning',
    title: 'A column `rule.tags` entry no document carries.',
    hint: 'Spell the tag as the documents do (the message names the nearest tag in use).',
  },
  'empty-column-rule': {
    severity: 'error',
    title: 'A column without `rule`, or whose rule names no field: it would select nothing.',
    hint: 'Add what the column gathers, e.g. `rule: { tags: [制度执行年] }`, or list its documents.',
  },
  'invalid-date-range': {
    severity: 'error',
    title: '`from` is after `to` (column rule, calendar holiday).',
    expected: '`from` on or before `to`',
    hint: 'Swap the two dates, or correct one of them.',
  },
  'duplicate-column-title': {
    severity: 'error',
    title: 'Two columns share a title.',
    hint: 'Give each column its own title.',
  },
  'column-file-link': {
    severity: 'error',
    title: 'A column description links a file; a column page publishes none.',
    hint: 'Link the document that publishes the file instead.',
  },
  'empty-file': {
    severity: 'error',
    title: 'A calendar file is empty or not a map.',
    hint: 'Start with `year: <year>`, then `holidays:` and `workdays:`.',
  },
  'calendar-year-mismatch': {
    severity: 'error',
    title: 'A calendar\'s `year` differs from its file name.',
    hint: 'Correct `year`, or rename the file.',
  },
  'date-outside-year': {
    severity: 'error',
    title: 'A calendar date is not in the file\'s year.',
    hint: 'Move the date to that year\'s calendar file.',
  },
  'overlapping-holidays': {
    severity: 'error',
    title: 'A day belongs to two holidays.',
    hint: 'Correct the dates so each day belongs to one holiday.',
  },
  'workday-not-weekend': {
    severity: 'error',
    title: 'A `workdays` date is a weekday, a working day anyway.',
    expected: 'a Saturday or Sunday',
    hint: 'Remove the date: weekdays are working days already.',
  },
  'holiday-and-workday': {
    severity: 'error',
    title: 'A day is both a holiday day and a working day.',
    hint: 'Remove the date from `holidays` or from `workdays`.',
  },
  'unknown-holiday': {
    severity: 'warning',
    title: 'A working day\'s `for` names no holiday of any calendar file.',
    hint: 'Write the holiday\'s `name` as a calendar file lists it.',
  },
  'foreign-file': {
    severity: 'error',
    title: 'A body links a file of another document (its attachment, or a file in its bundle); it would be published again beside this page whatever that document\'s state. Link to that document\'s page instead.',
    hint: 'Link that document\'s page instead of its file.',
  },
  'invalid-partner': {
    severity: 'error',
    title: 'An entry of `partners.yaml` does not have the form a partner takes (a missing or wrongly typed field, an endpoint that is not an absolute URL, a secret that is neither an environment variable name nor a Secrets Manager ARN).',
    hint: 'Correct the field the message names; docs/partners.md describes each one.',
  },
  'duplicate-partner-id': {
    severity: 'error',
    title: 'Two partners in `partners.yaml` share an id.',
    hint: 'Partner ids are permanent: give the newer partner another id.',
  },
} as const satisfies Record<string, Rule>;

/** The permanent name of a check rule, e.g. `unknown-department`. */
export type RuleId = keyof typeof rules;

export const ruleIds = Object.keys(rules) as RuleId[];
