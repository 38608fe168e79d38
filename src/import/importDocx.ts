// One Word file → one gazette article: its Markdown file with front matter, and the images and
// embedded files saved beside it, plus every finding for the editor. Nothing is written here: the
// command writes the files (and refuses to overwrite), then runs the checker on the result.

import { basename, extname } from 'node:path';
import { stringify } from 'yaml';
import { idPattern } from '../content/ids.ts';
import { attachmentTypes } from '../outputs.ts';
import { plainText, type Block, type Inline } from './blocks.ts';
import type { ContentFacts, ExistingArticle } from './contentFacts.ts';
import { bodyMarkdown } from './markdown.ts';
import { fullWidth, fullWidthInPlace, type PunctuationChange } from './punctuation.ts';
import { readDocx, type DocxContent } from './readDocx.ts';
import { recognize, type Finding } from './recognize.ts';

export type { Finding };

export interface ImportOptions {
  id?: string;
  slug?: string;
  section?: string;
  category?: string;
  department?: string;
}

export interface PlannedFile {
  /** A file name inside the issue folder: lower-case ASCII built here, never a name from the .docx. */
  name: string;
  bytes: Uint8Array;
}

export interface ImportPlan {
  /** The article, `<slug>.md`, first; then its images and attachments. */
  files: PlannedFile[];
  findings: Finding[];
  /** What mammoth could not convert. */
  warnings: string[];
}

const imageTypes: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp', 'image/svg+xml': 'svg' };

export async function planImport(bytes: Uint8Array, facts: ContentFacts, options: ImportOptions = {}): Promise<ImportPlan> {
  const docx = await readDocx(bytes);
  const found = recognize(docx.blocks);
  const findings = [...found.findings];
  const changes = fullWidthInPlace(found.body, docx.notes);
  if (found.title !== undefined && fullWidth(found.title) !== found.title) {
    changes.unshift({ before: found.title, after: fullWidth(found.title) });
    found.title = fullWidth(found.title);
  }
  if (changes.length > 0) {
    const example = changes[0] as PunctuationChange;
    findings.push({
      field: 'body',
      value: `${changes.length} ${changes.length === 1 ? 'passage' : 'passages'}`,
      from: example.before.length > 60 ? `${example.before.slice(0, 59)}…` : example.before,
      certainty: 'guess',
      check: `half-width punctuation between Chinese words became full-width (，：；？！（）) and cited 文号 got 〔〕, e.g. “${example.after.length > 60 ? `${example.after.slice(0, 59)}…` : example.after}”`,
    });
  }
  const fields: Record<string, unknown> = {};

  const docNumber = found.docNumber;
  const prefix = docNumber === undefined ? undefined : /^(\p{Script=Han}+)〔/u.exec(docNumber)?.[1];
  const department = chooseDepartment(found.signer, prefix, facts, options, findings);
  const id = chooseId(docNumber, facts, options, findings);
  const slug = options.slug ?? id;

  fields['id'] = id;
  if (found.title !== undefined) fields['title'] = found.title;
  fields['section'] = chooseSection(prefix, department, facts, options, findings);
  if (department !== undefined) fields['department'] = department;
  if (docNumber !== undefined) fields['docNumber'] = docNumber;
  if (found.signedDate !== undefined) fields['signedDate'] = found.signedDate;
  fields['date'] = facts.issue.date;
  findings.push({
    field: 'date',
    value: facts.issue.date,
    from: `issue ${facts.issue.year}/${String(facts.issue.number).padStart(2, '0')}`,
    certainty: 'read',
    check: "发布日期: the issue's date, as for every article of an issue",
  });
  fields['category'] = chooseCategory(found.title ?? '', department, facts, options, findings);

  const files: PlannedFile[] = [];
  const imageFiles = saveImages(docx, found.body, slug, files, findings);
  const attachments = saveEmbedded(docx, slug, found.attachmentTitles, files, findings);
  if (attachments.length > 0) fields['attachments'] = attachments;
  for (const note of docx.notes) {
    findings.push({
      field: 'body',
      value: `[^${note.label}]`,
      from: note.paragraphs
        .map((p) => p.map((i) => (i.kind === 'text' ? i.value : '')).join(''))
        .join(' ')
        .slice(0, 60),
      certainty: 'read',
      check: 'a Word footnote or endnote, kept as a Markdown footnote',
    });
  }
  for (const block of found.body) {
    if (block.kind !== 'list' || !block.ordered) continue;
    const first = block.items[0]?.[0];
    findings.push({
      field: 'body',
      value: 'numbered list',
      from: first?.kind === 'paragraph' ? plainText(first.inlines).slice(0, 60) : '',
      certainty: 'guess',
      check:
        'Word numbered these lines itself, so their numbers (一、 or 1.) are not in the text; they became a numbered list 1. 2. 3.: if they are headings, write them as ## 一、…',
    });
  }
  found.body.forEach((block, index) => {
    if (block.kind !== 'table') return;
    findings.push({
      field: 'body',
      value: `table ${found.body.slice(0, index + 1).filter((b) => b.kind === 'table').length}`,
      from: block.rows[0]?.map((cell) => cell.map((i) => (i.kind === 'text' ? i.value : '')).join('')).join(' | ') ?? '',
      certainty: 'guess',
      check: block.merged
        ? 'the table has merged cells, which Markdown tables cannot have: each merged text stands in its first cell and the cells it covered are empty; check the table reads right'
        : 'the first row became the header row of the table',
    });
  });

  const body = bodyMarkdown(found.body, docx.notes, { imageFile: (index) => imageFiles.get(index) });
  const markdown = `---\n${frontMatter(fields)}---\n${body}`;
  files.unshift({ name: `${slug}.md`, bytes: Buffer.from(markdown, 'utf8') });
  return { files, findings, warnings: docx.warnings };
}

/** The front matter in the order of the field table in docs/authoring.md, each value quoted only when YAML needs it. */
function frontMatter(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([key, value]) => {
      if (Array.isArray(value)) {
        return `${key}:\n${value
          .map(
            (entry: Record<string, string>) =>
              `  - { ${Object.entries(entry)
                .map(([k, v]) => `${k}: ${scalar(v)}`)
                .join(', ')} }`,
          )
          .join('\n')}\n`;
      }
      return `${key}: ${scalar(String(value))}\n`;
    })
    .join('');
}

function scalar(value: string): string {
  const plain = stringify(value, { lineWidth: 0 }).trimEnd();
  // Inside a flow map `,` `{` `}` end a plain value, so such values are quoted there too.
  return /[,{}[\]]/.test(value) && !plain.startsWith('"') && !plain.startsWith("'") ? JSON.stringify(value) : plain;
}

function mostCommon(values: (string | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const value of values) if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

const prefixOf = (article: ExistingArticle) => (article.docNumber === undefined ? undefined : /^(\p{Script=Han}+)〔/u.exec(article.docNumber)?.[1]);

function chooseDepartment(
  signer: string | undefined,
  prefix: string | undefined,
  facts: ContentFacts,
  options: ImportOptions,
  findings: Finding[],
): string | undefined {
  if (options.department !== undefined) return options.department;
  if (signer !== undefined) {
    if (facts.departments.includes(signer)) {
      findings.push({
        field: 'department',
        value: signer,
        from: signer,
        certainty: 'read',
        check: '落款 (the issuing organ), a department of site.yaml; the line was taken out of the body: the PDF prints it over the date',
      });
      return signer;
    }
    findings.push({
      field: 'department',
      value: signer,
      from: signer,
      certainty: 'guess',
      check: '落款 (the issuing organ) is not a department name of site.yaml: write the name site.yaml uses, or add the department there',
    });
    return signer;
  }
  const learned = prefix === undefined ? undefined : mostCommon(facts.articles.filter((a) => prefixOf(a) === prefix).map((a) => a.department));
  if (learned !== undefined) {
    findings.push({
      field: 'department',
      value: learned,
      from: `文号 prefix ${prefix}`,
      certainty: 'guess',
      check: `no 落款 was found; the other ${prefix} documents are issued by ${learned}`,
    });
    return learned;
  }
  findings.push({
    field: 'department',
    value: '',
    from: '',
    certainty: 'missing',
    check: 'no 落款 (issuing organ over the date) was found: write `department` with a department name of site.yaml, or pass --department',
  });
  return undefined;
}

function chooseSection(prefix: string | undefined, department: string | undefined, facts: ContentFacts, options: ImportOptions, findings: Finding[]): string {
  if (options.section !== undefined) return options.section;
  const byPrefix = prefix === undefined ? undefined : mostCommon(facts.articles.filter((a) => prefixOf(a) === prefix).map((a) => a.section));
  const byDepartment =
    department === undefined
      ? undefined
      : mostCommon(facts.articles.filter((a) => a.department === department && a.docNumber !== undefined).map((a) => a.section));
  const [section, reason] =
    byPrefix !== undefined
      ? [byPrefix, `the section of the other ${prefix} documents`]
      : byDepartment !== undefined
        ? [byDepartment, `the section of other documents of ${department}`]
        : [facts.sections[0] as string, 'the first section of site.yaml: nothing in the document says which one']; // contentFacts guarantees one
  findings.push({
    field: 'section',
    value: section,
    from: prefix === undefined ? (department ?? '') : `文号 prefix ${prefix}`,
    certainty: 'guess',
    check: `${reason}; choose the section of the issue it belongs to (or pass --section)`,
  });
  return section;
}

function chooseCategory(title: string, department: string | undefined, facts: ContentFacts, options: ImportOptions, findings: Finding[]): string {
  if (options.category !== undefined) return options.category;
  // Organ names are left out first: 人民政府 would otherwise read as the topic 民政.
  const subject = [...facts.departments]
    .sort((a, b) => b.length - a.length)
    .reduce((text, name) => text.replaceAll(name, ' '), title)
    .replaceAll('人民政府', ' ');
  const named = facts.topics.filter((topic) => subject.includes(topic)).sort((a, b) => b.length - a.length)[0];
  const byDepartment = department === undefined ? undefined : mostCommon(facts.articles.filter((a) => a.department === department).map((a) => a.category));
  const [category, from, reason] =
    named !== undefined
      ? [named, title, 'the title names this topic']
      : byDepartment !== undefined
        ? [byDepartment, department ?? '', `the most common topic of ${department}'s documents`]
        : [facts.topics[0] as string, '', 'the first topic of site.yaml: nothing in the document says which one'];
  findings.push({ field: 'category', value: category, from, certainty: 'guess', check: `主题分类: ${reason}; check it (or pass --category)` });
  return category;
}

function chooseId(docNumber: string | undefined, facts: ContentFacts, options: ImportOptions, findings: Finding[]): string {
  if (options.id !== undefined) return options.id;
  const parsed = docNumber === undefined ? undefined : /^(\p{Script=Han}+)〔(\d{4})〕(\d+)号$/u.exec(docNumber);
  if (parsed !== undefined && parsed !== null) {
    const [, prefix, year, serial] = parsed as unknown as [string, string, string, string];
    // The pinyin of a 文号 prefix is learned from the ids of its earlier documents (淮府 → huaifu).
    for (const article of facts.articles) {
      const other = article.docNumber === undefined ? null : /^(\p{Script=Han}+)〔(\d{4})〕(\d+)号$/u.exec(article.docNumber);
      if (other === null || other[1] !== prefix || article.id === undefined) continue;
      const stem = new RegExp(`^(.+)-${other[2]}-${other[3]}$`).exec(article.id)?.[1];
      const id = stem === undefined ? undefined : `${stem}-${year}-${serial}`;
      if (id !== undefined && idPattern.test(id)) {
        findings.push({
          field: 'id',
          value: id,
          from: docNumber as string,
          certainty: 'guess',
          check: `named like ${article.id}; ids are permanent: change it now if you want another`,
        });
        return id;
      }
    }
  }
  const base = `gz-${facts.issue.year}-${String(facts.issue.number).padStart(2, '0')}`;
  let n = 1;
  while (facts.ids.has(`${base}-${n}`)) n++;
  const id = `${base}-${n}`;
  findings.push({
    field: 'id',
    value: id,
    from: '',
    certainty: 'guess',
    check: 'the next free id of the issue; ids are permanent: change it now to a readable one (e.g. the 文号 in pinyin) or pass --id',
  });
  return id;
}

/** Every image of the body, with its inline node (notes may not hold images in Markdown). */
function bodyImages(blocks: Block[]): Extract<Inline, { kind: 'image' }>[] {
  const found: Extract<Inline, { kind: 'image' }>[] = [];
  const scan = (list: Inline[]) => {
    for (const item of list) {
      if (item.kind === 'image') found.push(item);
      else if (item.kind === 'strong' || item.kind === 'emphasis' || item.kind === 'link') scan(item.children);
    }
  };
  const visit = (block: Block) => {
    if (block.kind === 'paragraph' || block.kind === 'heading') scan(block.inlines);
    else if (block.kind === 'table') block.rows.flat().forEach(scan);
    else block.items.forEach((item) => item.forEach(visit));
  };
  blocks.forEach(visit);
  return found;
}

function saveImages(docx: DocxContent, body: Block[], slug: string, files: PlannedFile[], findings: Finding[]): Map<number, string> {
  const names = new Map<number, string>();
  const inBody = bodyImages(body);
  for (const image of docx.images) {
    const uses = inBody.filter((item) => item.index === image.index);
    if (uses.length === 0) {
      findings.push({
        field: 'body',
        value: '',
        from: `image ${image.index}`,
        certainty: 'read',
        check: `image ${image.index} stood in a line taken out of the body (banner, title, 文号, 落款 or date; often the seal) and was not saved`,
      });
      continue;
    }
    const extension = imageTypes[image.contentType];
    if (image.bytes === undefined) {
      findings.push({
        field: 'body',
        value: '',
        from: `image ${image.index}`,
        certainty: 'missing',
        check: `image ${image.index} was left out: ${image.problem ?? 'it could not be read'}. Ask the department for the picture, save it beside the article and insert it with ![说明](file.png)`,
      });
      continue;
    }
    if (extension === undefined) {
      findings.push({
        field: 'body',
        value: '',
        from: `image ${image.index} (${image.contentType})`,
        certainty: 'missing',
        check: `image ${image.index} is ${image.contentType}, which browsers do not show; it was left out: save it as PNG beside the article and insert it with ![说明](file.png)`,
      });
      continue;
    }
    const name = `${slug}-image-${image.index}.${extension}`;
    names.set(image.index, name);
    files.push({ name, bytes: image.bytes });
    // Alt text is what a screen reader says and what shows when the image cannot load.
    const alt = uses[0]?.alt ?? '';
    if (alt === '') for (const use of uses) use.alt = `图${image.index}`;
    findings.push({
      field: 'body',
      value: name,
      from: alt === '' ? `image ${image.index}` : `image ${image.index}: ${alt}`,
      certainty: alt === '' ? 'guess' : 'read',
      check:
        alt === ''
          ? `saved beside the article; it had no description in Word, so it reads “图${image.index}”: write what it shows`
          : 'saved beside the article, with its description from Word',
    });
  }
  return names;
}

function saveEmbedded(docx: DocxContent, slug: string, titles: string[], files: PlannedFile[], findings: Finding[]): { file: string; title: string }[] {
  const attachments: { file: string; title: string }[] = [];
  for (const file of docx.embedded) {
    // Only the types the site publishes (the checker refuses any other).
    const extension = extname(file.name).slice(1).toLowerCase();
    if (!Object.hasOwn(attachmentTypes, `.${extension}`)) {
      findings.push({
        field: 'attachments',
        value: '',
        from: basename(file.name),
        certainty: 'missing',
        check: `an object embedded in Word (${basename(file.name)}) cannot be published as it is: open it in Word, save it as a PDF or Excel file beside the article and list it under \`attachments\``,
      });
      continue;
    }
    const number = attachments.length + 1;
    const name = `${slug}-fujian-${number}.${extension}`;
    const title = titles[number - 1];
    files.push({ name, bytes: file.bytes });
    attachments.push({ file: name, title: title ?? basename(file.name, extname(file.name)) });
    findings.push({
      field: 'attachments',
      value: name,
      from: title === undefined ? basename(file.name) : `附件：${title}`,
      certainty: 'guess',
      check:
        title === undefined
          ? 'a file embedded in Word, titled with its file name: write its real title'
          : 'a file embedded in Word, matched by order with the 附件 line: check the file is that attachment',
    });
  }
  for (const title of titles.slice(attachments.length)) {
    findings.push({
      field: 'attachments',
      value: '',
      from: `附件：${title}`,
      certainty: 'missing',
      check: 'the document names this attachment but the .docx does not contain it: put the file beside the article and list it under `attachments`',
    });
  }
  return attachments;
}
