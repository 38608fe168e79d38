// The front matter contract as zod schemas, one per kind, and the translation of zod's issues
// into editors' messages (`path: what is wrong`, with a hint). Cross-file rules live in load.ts.

import { z } from 'zod';
import { dateProblem, instantProblem, isClockTime } from './dates.ts';
import { checkDocNumber } from './docNumber.ts';
import { idPattern, orgCodePattern, siteIdPattern, suggestSlug } from './ids.ts';
import { siteExamples, utcOffsetPattern } from './siteSettings.ts';
import { didYouMean } from './suggest.ts';
import type { Severity } from './model.ts';

/** Extra data a refinement attaches to its zod issue so it becomes a precise message. */
interface IssueParams {
  ruleId: string;
  /** A hint, or one that names the site's own examples. */
  hint?: string | ((examples: HintExamples) => string);
  expected?: string;
  severity?: Severity;
}

function custom(ctx: z.RefinementCtx, message: string, params: IssueParams): void {
  ctx.addIssue({ code: 'custom', message, params });
}

const text = z.string().trim().min(1);

const date = z.string().superRefine((value, ctx) => {
  const problem = dateProblem(value);
  if (problem !== undefined) custom(ctx, problem, { ruleId: 'invalid-date', expected: 'a real date written YYYY-MM-DD, e.g. 2010-05-31' });
});

const id = z.string().superRefine((value, ctx) => {
  if (idPattern.test(value)) return;
  const suggestion = suggestSlug(value);
  custom(ctx, `"${value}" is not a valid id: ids are 3–64 lower-case letters, digits and "-", starting with a letter or digit.`, {
    ruleId: 'invalid-id',
    expected: '[a-z0-9][a-z0-9-]{2,63}',
    ...(suggestion !== undefined && idPattern.test(suggestion)
      ? { hint: `Write it as \`${suggestion}\`. Ids are permanent: choose one you never need to change.` }
      : {}),
  });
});

/** A 文号 field; `otherwise` is the hint when the problem has no corrected form to offer. */
const docNumberField = (otherwise: string) =>
  z.string().superRefine((value, ctx) => {
    const result = checkDocNumber(value);
    if (result.ok) return;
    custom(ctx, result.problem, {
      ruleId: 'invalid-doc-number',
      expected: '<issuer>〔<year>〕<number>号',
      hint: result.corrected !== undefined ? `Write it as ${result.corrected}` : otherwise,
    });
  });

const docNumber = docNumberField('Leave `docNumber` out when the document has no 文号 (speeches, city data).');

const publishAt = z.string().superRefine((value, ctx) => {
  const problem = instantProblem(value);
  if (problem !== undefined) {
    custom(ctx, problem, {
      ruleId: 'invalid-publish-at',
      expected: 'ISO 8601 date-time with offset, e.g. 2010-12-08T10:00:00+08:00',
      hint: 'Add the time zone: +08:00 for Beijing time.',
    });
  }
});

const clockTime = z.string().superRefine((value, ctx) => {
  if (!isClockTime(value)) custom(ctx, `"${value}" is not a time of day written HH:MM.`, { ruleId: 'invalid-time', expected: 'HH:MM, e.g. "09:30"' });
});

const lang = z.enum(['zh-CN', 'en']);

/** The site's offset from UTC; a zone name is refused, since a fixed offset is what dates carry. */
const utcOffset = z
  .string()
  .superRefine((value, ctx) => {
    if (utcOffsetPattern.test(value)) return;
    custom(ctx, `"${value}" is not an offset from UTC written ±HH:MM.`, {
      ruleId: 'invalid-utc-offset',
      expected: '±HH:MM, e.g. "+08:00"',
      hint: /^[A-Za-z]+\/[A-Za-z_]+/.test(value)
        ? 'Write the offset of the zone, not its name: "+08:00" for Asia/Shanghai. Sites whose clocks change for summer time are not supported.'
        : 'Write it like "+08:00" (China Standard Time), with the sign, two-digit hours and minutes.',
    });
  })
  .optional();

/** RFC 4151 tag date: YYYY, YYYY-MM or YYYY-MM-DD, on which the site owned its domain. A bare year may be unquoted. */
const tagDate = z
  .preprocess(
    (value) => (typeof value === 'number' && Number.isInteger(value) ? String(value) : value),
    z.string().superRefine((value, ctx) => {
      const full = /^\d{4}$/.test(value) ? `${value}-01-01` : /^\d{4}-\d{2}$/.test(value) ? `${value}-01` : value;
      if (/^\d{4}(-\d{2}){0,2}$/.test(value) && dateProblem(full) === undefined) return;
      custom(ctx, `"${value}" is not a tag-URI date (YYYY, YYYY-MM or YYYY-MM-DD).`, {
        ruleId: 'invalid-tag-date',
        expected: 'YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2010',
        hint: 'Write a date on which the site already had its domain. Never change it once feeds are published: readers would see every entry as new.',
      });
    }),
  )
  .optional();

/** Longest tag (标签), in characters: tags are keywords, not sentences. */
export const MAX_TAG_LENGTH = 20;

const tag = text.superRefine((value, ctx) => {
  if (value.length > MAX_TAG_LENGTH) {
    custom(ctx, `The tag "${value}" is ${value.length} characters long; a tag is a short keyword of at most ${MAX_TAG_LENGTH}.`, {
      ruleId: 'invalid-tag',
      hint: 'Shorten it to the keyword a column selects on, e.g. 制度执行年.',
    });
  } else if (/[\p{Cc},，、;；]/u.test(value)) {
    custom(ctx, `The tag "${value}" contains a separator or control character; each tag is its own list entry.`, {
      ruleId: 'invalid-tag',
      hint: 'Write one tag per entry: tags: [制度执行年, 权力运行]',
    });
  }
});

/** A list whose entries must differ; a repeated entry is reported where it repeats. */
function uniqueList<T extends z.ZodType<string>>(entry: T, ruleId: string, what: string) {
  return z.array(entry).superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((value, index) => {
      if (!seen.has(value)) {
        seen.add(value);
        return;
      }
      ctx.addIssue({
        code: 'custom',
        path: [index],
        message: `${what} "${value}" is listed twice.`,
        params: { ruleId, hint: 'Delete the second one.' } satisfies IssueParams,
      });
    });
  });
}

const documentKind = z.enum(['article', 'release', 'conference']);
const attachment = z.strictObject({ file: text, title: text });
const person = z.strictObject({ name: text, title: text });

export const siteSchema = z
  .strictObject({
    name: text,
    nameEn: text.optional(),
    baseUrl: z.string().superRefine((value, ctx) => {
      if (!/^https?:\/\/[^/\s]+\/(\S*\/)?$/.test(value)) {
        custom(ctx, `"${value}" is not an absolute http(s) URL ending in "/".`, {
          ruleId: 'invalid-base-url',
          hint: 'Write it like https://www.example.gov.cn/',
        });
      }
    }),
    lang,
    publisher: text,
    gazetteTitle: text,
    departments: z
      .array(
        z.strictObject({
          id: z.string().regex(siteIdPattern),
          name: text,
          nameEn: text.optional(),
          code: z.string().superRefine((value, ctx) => {
            if (!orgCodePattern.test(value)) {
              custom(ctx, `"${value}" is not an organisation code: 3–18 digits or upper-case letters.`, { ruleId: 'invalid-org-code' });
            }
          }),
        }),
      )
      .min(1),
    topics: z.array(z.strictObject({ id: z.string().regex(siteIdPattern), name: text, nameEn: text.optional() })).min(1),
    sections: z.array(z.strictObject({ id: z.string().regex(siteIdPattern), name: text })).min(1),
    feeds: z
      .strictObject({
        entries: z.int().min(1).max(500).optional(),
        archiveFullText: z.enum(['canonical', 'every']).optional(),
        hub: z
          .string()
          .superRefine((value, ctx) => {
            if (!/^https:\/\/[^/\s]+\/\S*$/.test(value)) {
              custom(ctx, `"${value}" is not an absolute https URL.`, {
                ruleId: 'invalid-hub-url',
                hint: 'Write the WebSub hub like https://websub.example.gov.cn/',
              });
            }
          })
          .optional(),
        tagDate,
      })
      .optional(),
    utcOffset,
    examples: z
      .strictObject({
        docNumber: docNumberField("Copy the 文号 of one of the site's documents.").optional(),
        id: z.string().regex(idPattern).optional(),
      })
      .optional(),
  })
  .superRefine((site, ctx) => {
    for (const list of ['departments', 'topics', 'sections'] as const) {
      for (const field of ['id', 'name'] as const) {
        const seen = new Map<string, number>();
        site[list].forEach((entry, index) => {
          const first = seen.get(entry[field]);
          if (first === undefined) seen.set(entry[field], index);
          else {
            ctx.addIssue({
              code: 'custom',
              path: [list, index, field],
              message: `${list} ${first + 1} and ${index + 1} both have the ${field} "${entry[field]}".`,
              params: { ruleId: 'duplicate-site-entry', hint: `Give each entry of \`${list}\` its own ${field}.` } satisfies IssueParams,
            });
          }
        });
      }
    }
  });

export const issueSchema = z.strictObject({
  year: z.int().min(1949).max(2999),
  number: z.int().min(1).max(99),
  totalNumber: z.int().min(1),
  date,
  title: text.optional(),
  editorNote: z.string().optional(),
});

const documentFields = {
  id,
  title: text,
  department: text,
  category: text,
  date,
  summary: z.string().optional(),
  lang: lang.optional(),
  draft: z.boolean().optional(),
  publishAt: publishAt.optional(),
  translationOf: z.string().optional(),
  attachments: z.array(attachment).optional(),
  status: z.enum(['published', 'withdrawn']).optional(),
  withdrawnReason: text.optional(),
  withdrawnDate: date.optional(),
  changeNote: text.optional(),
  changeDate: date.optional(),
  tags: uniqueList(tag, 'duplicate-tag', 'The tag').optional(),
};

export const articleSchema = z.strictObject({
  ...documentFields,
  section: text,
  docNumber: docNumber.optional(),
  signedDate: date,
  validity: z.enum(['有效', '失效', '废止']).optional(),
  // Only articles have a validity, so only they can be superseded (see checkFields).
  supersededBy: z.string().optional(),
});

export const releaseSchema = z.strictObject({
  type: z.literal('release').optional(),
  ...documentFields,
});

export const conferenceSchema = z
  .strictObject({
    type: z.literal('conference'),
    ...documentFields,
    time: clockTime,
    venue: text,
    host: person,
    speakers: z.array(person).min(1),
    qa: z.array(z.strictObject({ question: text, askedBy: text.optional(), answer: text, answeredBy: text.optional() })).optional(),
  })
  .superRefine((conference, ctx) => {
    const people = [conference.host.name, ...conference.speakers.map((speaker) => speaker.name)];
    conference.qa?.forEach((pair, index) => {
      if (pair.answeredBy === undefined || people.includes(pair.answeredBy)) return;
      const suggestion = didYouMean(pair.answeredBy, people);
      ctx.addIssue({
        code: 'custom',
        path: ['qa', index, 'answeredBy'],
        message: `${pair.answeredBy} answers question ${index + 1}, but is neither the host nor a speaker.`,
        params: {
          ruleId: 'unknown-answerer',
          expected: people.join(', '),
          hint: suggestion ?? `Add ${pair.answeredBy} to \`speakers\`, or correct the name.`,
        } satisfies IssueParams,
      });
    });
  });

/** A special column (专栏), `columns/<id>.md`; the Markdown body is its description. */
export const columnSchema = z
  .strictObject({
    title: text,
    summary: text.optional(),
    order: z.int().min(-999).max(999).optional(),
    rule: z
      .strictObject({
        topics: uniqueList(text, 'duplicate-entry', 'The topic').optional(),
        departments: uniqueList(text, 'duplicate-entry', 'The department').optional(),
        tags: uniqueList(tag, 'duplicate-entry', 'The tag').optional(),
        kinds: uniqueList(documentKind, 'duplicate-entry', 'The kind').optional(),
        documents: uniqueList(z.string(), 'duplicate-entry', 'The document').optional(),
        from: date.optional(),
        to: date.optional(),
      })
      .optional(),
  })
  .superRefine((column, ctx) => {
    const rule = column.rule;
    const named =
      rule === undefined ? 0 : ['topics', 'departments', 'tags', 'kinds', 'documents'].reduce((n, field) => n + (rule[field as 'topics']?.length ?? 0), 0);
    if (named === 0 && rule?.from === undefined && rule?.to === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: rule === undefined ? [] : ['rule'],
        message:
          rule === undefined
            ? 'The column has no `rule`, so it would select no document.'
            : 'The column `rule` names no criterion and no document, so it would select no document.',
        params: {
          ruleId: 'empty-column-rule',
          expected: 'at least one of topics, departments, tags, kinds, documents, from, to',
          hint: (examples) =>
            `Add what the column gathers, e.g. \`rule: { tags: [制度执行年] }\`, or list its documents: \`rule: { documents: [${examples.id}] }\`.`,
        } satisfies IssueParams,
      });
    }
    if (rule?.from !== undefined && rule.to !== undefined && rule.from > rule.to) {
      ctx.addIssue({
        code: 'custom',
        path: ['rule', 'from'],
        message: `\`from\` ${rule.from} is after \`to\` ${rule.to}, so no date is inside the range.`,
        params: { ruleId: 'invalid-date-range', hint: 'Swap the two dates, or correct one of them.' } satisfies IssueParams,
      });
    }
  });

/** The working-day calendar of one year, `calendar/<year>.yaml`; calendar.ts checks the days. */
export const calendarSchema = z.strictObject({
  year: z.int().min(1949).max(2999),
  holidays: z.array(z.strictObject({ name: text, from: date, to: date })).optional(),
  workdays: z.array(z.strictObject({ date, for: text.optional() })).optional(),
});

export type SiteData = z.infer<typeof siteSchema>;
export type IssueData = z.infer<typeof issueSchema>;
export type ArticleData = z.infer<typeof articleSchema>;
export type ReleaseData = z.infer<typeof releaseSchema>;
export type ConferenceData = z.infer<typeof conferenceSchema>;
export type ColumnData = z.infer<typeof columnSchema>;
export type CalendarData = z.infer<typeof calendarSchema>;

export const schemas = {
  site: siteSchema,
  issue: issueSchema,
  article: articleSchema,
  release: releaseSchema,
  conference: conferenceSchema,
  column: columnSchema,
  calendar: calendarSchema,
} as const;

export type SchemaKind = keyof typeof schemas;

/** One problem of a front matter, placed on a path; load.ts turns the path into line and column. */
export interface SchemaProblem {
  path: (string | number)[];
  /** Point at the key (unknown field) or the value. */
  target: 'key' | 'value';
  severity: Severity;
  ruleId: string;
  message: string;
  expected?: string;
  hint?: string;
}

/** What each field means, for messages: `signedDate` (成文日期). */
const fieldLabels: Record<string, string> = {
  signedDate: '成文日期',
  date: '发布日期',
  docNumber: '文号',
  department: '发布机构',
  category: '主题分类',
  section: '栏目',
  number: '期号',
  totalNumber: '总期号',
  validity: '有效性',
  title: '标题',
  status: '状态',
  withdrawnReason: '撤回原因',
  withdrawnDate: '撤回日期',
  changeNote: '更正说明',
  changeDate: '更正日期',
  supersededBy: '替代文件',
  tags: '标签',
  holidays: '节假日',
  workdays: '调休上班日',
};

/** Examples of a document's fields in hints, from site.yaml where it gives them. */
export interface HintExamples {
  id: string;
  docNumber: string;
  title: string;
  department: string;
  section: string;
  category: string;
}

/** The hint examples of a site: its first department, section and topic, and its `examples`. */
export function hintExamples(site: Partial<Pick<SiteData, 'departments' | 'sections' | 'topics' | 'examples'>> | undefined): HintExamples {
  const department = site?.departments?.[0]?.name ?? '市人民政府';
  return {
    ...siteExamples(site),
    department,
    title: `${department}关于进一步推进政务公开工作的意见`,
    section: site?.sections?.[0]?.name ?? '市政府文件',
    category: site?.topics?.[0]?.name ?? '政务公开',
  };
}

/** Examples of the fields no site names; site.yaml's own are neutral, since no site is known yet. */
const fixedExamples: Record<string, string> = {
  signedDate: '2010-04-20',
  date: '2010-05-31',
  year: '2010',
  number: '5',
  totalNumber: '53',
  time: '"09:30"',
  venue: '市政府新闻发布厅',
  host: '{ name: 王晓明, title: 市政府新闻办公室主任 }',
  speakers: '[{ name: 李华, title: 副市长 }]',
  type: 'conference',
  question: '…',
  answer: '…',
  file: 'report.pdf',
  name: '××市人民政府',
  code: '"003210001"',
  baseUrl: 'https://www.example.gov.cn/',
  entries: '50',
  archiveFullText: 'canonical',
  hub: 'https://websub.example.gov.cn/',
  lang: 'zh-CN',
  publisher: '××市人民政府办公室',
  gazetteTitle: '××市人民政府公报',
  utcOffset: '"+08:00"',
  tagDate: '2010',
  withdrawnReason: '内容有误，已另行发布',
  withdrawnDate: '2010-12-10',
  changeNote: '更正第二段中查阅点数量',
  changeDate: '2010-06-02',
  from: '2010-02-13',
  to: '2010-02-19',
};

/** Validate parsed front matter of one kind; every problem is returned, none is thrown. */
export function validateFrontMatter<K extends SchemaKind>(
  kind: K,
  data: unknown,
  site: HintExamples = hintExamples(undefined),
): { data?: z.infer<(typeof schemas)[K]>; problems: SchemaProblem[] } {
  const schema = schemas[kind] as z.ZodType;
  if (data === null || data === undefined || typeof data !== 'object' || Array.isArray(data)) {
    return {
      problems: [
        {
          path: [],
          target: 'value',
          severity: 'error',
          ...(kind === 'calendar'
            ? {
                ruleId: 'empty-file',
                message: 'The file is empty or is not a map of `key: value` lines.',
                hint: 'Start with `year: <year>`, then `holidays:` and `workdays:` (see docs/authoring.md).',
              }
            : {
                ruleId: 'missing-front-matter',
                message: 'The front matter is empty or is not a map of `key: value` lines.',
                hint: 'Start the file with a `---` line, then the fields (e.g. `title: …`), then another `---` line.',
              }),
        },
      ],
    };
  }
  const result = schema.safeParse(data);
  if (result.success) return { data: result.data as z.infer<(typeof schemas)[K]>, problems: [] };
  // site.yaml's own hints cannot use the site's names: it is the file being checked.
  const examples = kind === 'site' ? hintExamples(undefined) : site;
  const problems = result.error.issues.flatMap((issue) => toProblems(issue, schema, data, examples));
  return { problems };
}

/**
 * The fields of a front matter that are valid on their own, each checked against its own schema.
 * A file with an error elsewhere still has its department, links and id checked against the
 * other files, so one `gazette check` shows every problem, not one round per fix.
 */
export function validFields(kind: SchemaKind, data: unknown): Record<string, unknown> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return {};
  const shape: Record<string, z.ZodType | undefined> = schemas[kind].shape;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const field = shape[key];
    if (field === undefined || value === undefined) continue;
    const result = field.safeParse(value);
    if (result.success) fields[key] = result.data;
  }
  return fields;
}

function toProblems(issue: z.core.$ZodIssue, schema: z.ZodType, data: unknown, site: HintExamples): SchemaProblem[] {
  const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
  const field = String(path.at(-1) ?? 'front matter');
  const name = label(field);
  const base = { path, target: 'value' as const, severity: 'error' as const };
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(schema, path);
      return issue.keys.map((key) => {
        const hint = didYouMean(key, known);
        return {
          ...base,
          path: [...path, key],
          target: 'key' as const,
          ruleId: 'unknown-field',
          message: `\`${key}\` is not a field of this ${path.length === 0 ? 'front matter' : `\`${field}\` entry`}.`,
          expected: known.join(', '),
          hint: hint ?? 'Remove it, or check the field list in docs/authoring.md.',
        };
      });
    }
    case 'invalid_type': {
      const value = valueAt(data, path);
      if (value === undefined) {
        const parent = path.slice(0, -1);
        const example = (site as unknown as Record<string, string | undefined>)[field] ?? fixedExamples[field];
        return [
          {
            ...base,
            path: parent,
            ruleId: 'missing-field',
            message: `${name} is missing.`,
            ...(example !== undefined ? { hint: `Add it, e.g. \`${field}: ${example}\`.` } : {}),
          },
        ];
      }
      const expected = issue.expected;
      const quoteHint = issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean');
      return [
        {
          ...base,
          ruleId: 'invalid-type',
          message: `${name} must be ${article(expected)}, not ${describe(value)}.`,
          expected,
          ...(quoteHint ? { hint: `Quote it so it is read as text: ${field}: "${String(value)}"` } : {}),
          ...((expected === 'number' || expected === 'int') && typeof value === 'string' ? { hint: `Write the number alone, without quotes or units.` } : {}),
        },
      ];
    }
    case 'invalid_value': {
      const options = issue.values.map(String);
      const value = valueAt(data, path);
      const hint = typeof value === 'string' ? didYouMean(value, options) : undefined;
      return [
        {
          ...base,
          ruleId: 'invalid-value',
          message: `${name} is ${describe(value)}, which is not one of the allowed values.`,
          expected: options.join(' | '),
          ...(hint !== undefined ? { hint } : {}),
        },
      ];
    }
    case 'too_small':
    case 'too_big': {
      const value = valueAt(data, path);
      const small = issue.code === 'too_small';
      const bound = String(small ? issue.minimum : issue.maximum);
      if (typeof value === 'string')
        return [{ ...base, ruleId: 'empty-field', message: `${name} is empty.`, hint: 'Write a value, or remove the line if the field is optional.' }];
      if (Array.isArray(value)) return [{ ...base, ruleId: 'invalid-value', message: `${name} needs at least ${bound} entr${bound === '1' ? 'y' : 'ies'}.` }];
      return [{ ...base, ruleId: 'invalid-value', message: `${name} is ${describe(value)}; it must be ${small ? 'at least' : 'at most'} ${bound}.` }];
    }
    case 'invalid_format':
      return [
        {
          ...base,
          ruleId: 'invalid-value',
          message: `${name} is ${describe(valueAt(data, path))}, which does not have the expected form.`,
          expected: 'lower-case letters, digits and "-"',
        },
      ];
    case 'custom': {
      const params = (issue.params ?? {}) as Partial<IssueParams>;
      return [
        {
          ...base,
          severity: params.severity ?? 'error',
          ruleId: params.ruleId ?? 'invalid-value',
          message: issue.message,
          ...(params.expected !== undefined
            ? { expected: params.ruleId === 'invalid-doc-number' ? `${params.expected}, e.g. ${site.docNumber}` : params.expected }
            : {}),
          ...(params.hint !== undefined ? { hint: typeof params.hint === 'function' ? params.hint(site) : params.hint } : {}),
        },
      ];
    }
    default:
      return [{ ...base, ruleId: 'invalid-value', message: `${name}: ${issue.message}.` }];
  }
}

function label(field: string): string {
  const meaning = fieldLabels[field];
  return meaning === undefined ? `\`${field}\`` : `\`${field}\` (${meaning})`;
}

function article(expected: string): string {
  const names: Record<string, string> = {
    string: 'text',
    int: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a map of fields',
  };
  return names[expected] ?? expected;
}

function describe(value: unknown): string {
  if (value === null) return 'empty';
  if (typeof value === 'string') return `the text "${value}"`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  // What is left is `undefined` (nothing at the path) or a type no YAML front matter holds: its name.
  return typeof value;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** The field names the schema accepts at a path, for "did you mean" hints. */
function knownKeys(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let current: unknown = schema;
  for (const segment of [...path, undefined]) {
    current = unwrap(current);
    if (segment === undefined) break;
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, unknown>)[String(segment)];
    else if (current instanceof z.ZodArray) current = current.element;
    else return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) current = current.unwrap();
  return current;
}
