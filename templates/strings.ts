// The words we add around a document's own text — labels, headings, dates — in each language a
// document can be written in. A document in English gets English labels in its page body, its PDF
// and its feed entry; the site's own chrome (navigation, the disclosure block) speaks the site's
// language. Renderers look the words up here; none of them is written in src/.

import type { Lang } from '../src/content/model.ts';

export interface InterfaceText {
  /** Heading of a body's footnotes. */
  footnotes: string;
  /** Label of a footnote's link back to the text: note `note`, its `reference`-th reference (1 unless it is cited again). */
  footnoteBack: (note: number, reference: number) => string;
  /** Accessible name of the region a wide table scrolls in. */
  tableScrollRegion: string;
  /** A calendar date (YYYY-MM-DD) as this language writes it. */
  date: (date: string) => string;
  /** A label before its text: `时间：` / `Time: `. */
  labelled: (label: string) => string;
  /** A name with what it is: `王晓明（市政府新闻办公室主任）` / `Wang Xiaoming (Director, Information Office)`. */
  withNote: (name: string, note: string) => string;
  /** A person before their words as the PDF prints them: title then name in Chinese, name then title in English. */
  person: (name: string, title: string) => string;
  /** Between the entries of a run-in list. */
  listSeparator: string;
  /** The 索引号 / 发布机构 / 主题分类 / 发布日期 line the PDF prints above a title. */
  pdfMeta: { indexNumber: string; department: string; category: string; date: string };
  /** The link to a document's PDF above its text. */
  pdfEdition: string;
  /** The attachment list of a document page. */
  attachments: {
    title: string;
    /** A file's type for readers, from its extension (`.pdf`); undefined when the language has no word for it. */
    fileType: (extension: string) => string | undefined;
    /** A file of a type with no name: `文件` / `file`. */
    otherFile: string;
    /** The notes after an attachment's title: `（PDF，12.1 KB）` / ` (PDF, 12.1 KB)`. */
    details: (notes: string[]) => string;
  };
  /** The 文件校验 block of a document page: each file the document publishes, with its SHA-256. */
  checksums: {
    title: string;
    /** The sentence on what the digests are for: the text before the link to the signed manifest, the link, the text after. */
    intro: readonly [before: string, manifest: string, after: string];
    /** The document's own PDF, beside its file name. */
    pdf: string;
    /** An exact size: `12,345 字节` / `12,345 bytes`. */
    bytes: (size: number) => string;
    /** The notes after a file name: `（PDF 版，12.1 KB）` / ` (PDF edition, 12.1 KB)`. */
    details: (notes: string[]) => string;
  };
  conference: {
    info: string;
    time: string;
    venue: string;
    host: string;
    speakers: string;
    statement: string;
    questions: string;
    /** Short label before a question and an answer. */
    question: string;
    answer: string;
    /** Who asked, when the Q&A does not say. */
    reporter: string;
    /** Accessible name of the link to question `n`. */
    questionLink: (n: number) => string;
  };
}

/** `12345` → `12,345`: the same in both languages, and the same on every machine (no locale data). */
function groupDigits(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

const zhFileTypes: Record<string, string> = {
  '.pdf': 'PDF',
  '.doc': 'Word',
  '.docx': 'Word',
  '.xls': 'Excel',
  '.xlsx': 'Excel',
  '.csv': 'CSV',
  '.txt': '文本',
  '.zip': 'ZIP 压缩包',
  '.jpg': 'JPEG 图片',
  '.jpeg': 'JPEG 图片',
  '.png': 'PNG 图片',
  '.gif': 'GIF 图片',
  '.webp': 'WebP 图片',
  '.svg': 'SVG 图片',
};
const enFileTypes: Record<string, string> = {
  '.pdf': 'PDF',
  '.doc': 'Word',
  '.docx': 'Word',
  '.xls': 'Excel',
  '.xlsx': 'Excel',
  '.csv': 'CSV',
  '.txt': 'text',
  '.zip': 'ZIP archive',
  '.jpg': 'JPEG image',
  '.jpeg': 'JPEG image',
  '.png': 'PNG image',
  '.gif': 'GIF image',
  '.webp': 'WebP image',
  '.svg': 'SVG image',
};

const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const zhCN: InterfaceText = {
  footnotes: '注释',
  footnoteBack: (note, reference) => `返回正文（注释${note}${reference > 1 ? `，第${reference}处引用` : ''}）`,
  tableScrollRegion: '表格（可横向滚动）',
  date: (date) => {
    const [year, month, day] = date.split('-');
    return `${year}年${Number(month)}月${Number(day)}日`;
  },
  labelled: (label) => `${label}：`,
  withNote: (name, note) => `${name}（${note}）`,
  person: (name, title) => `${title}${name}`,
  listSeparator: '；',
  pdfMeta: { indexNumber: '索引号', department: '发布机构', category: '主题分类', date: '发布日期' },
  pdfEdition: 'PDF 版',
  attachments: {
    title: '附件',
    fileType: (extension) => zhFileTypes[extension],
    otherFile: '文件',
    details: (notes) => `（${notes.join('，')}）`,
  },
  checksums: {
    title: '文件校验',
    intro: ['下载的文件可计算其 SHA-256 校验值与下列数值核对，相同即与本站发布的文件完全一致；本站全部文件的校验值见', '签名清单', '。'],
    pdf: 'PDF 版',
    bytes: (size) => `${groupDigits(size)} 字节`,
    details: (notes) => `（${notes.join('，')}）`,
  },
  conference: {
    info: '发布会信息',
    time: '时间',
    venue: '地点',
    host: '主持人',
    speakers: '发布人',
    statement: '发布词',
    questions: '答记者问',
    question: '问',
    answer: '答',
    reporter: '记者',
    questionLink: (n) => `第${n}问的链接`,
  },
};

const en: InterfaceText = {
  footnotes: 'Notes',
  footnoteBack: (note, reference) => `Back to the text (note ${note}${reference > 1 ? `, reference ${reference}` : ''})`,
  tableScrollRegion: 'Table (scrolls sideways)',
  date: (date) => {
    const [year, month, day] = date.split('-');
    return `${Number(day)} ${months[Number(month) - 1] ?? month} ${year}`;
  },
  labelled: (label) => `${label}: `,
  withNote: (name, note) => `${name} (${note})`,
  person: (name, title) => `${name}, ${title}`,
  listSeparator: '; ',
  pdfMeta: { indexNumber: 'Index number', department: 'Issued by', category: 'Topic', date: 'Date of publication' },
  pdfEdition: 'PDF edition',
  attachments: {
    title: 'Attachments',
    fileType: (extension) => enFileTypes[extension],
    otherFile: 'file',
    details: (notes) => ` (${notes.join(', ')})`,
  },
  checksums: {
    title: 'File checksums',
    intro: [
      'To check a file you downloaded, compare its SHA-256 checksum with the one below: if they are the same, the file is exactly the one published here; the checksums of every file of the site are in the ',
      'signed manifest',
      '.',
    ],
    pdf: 'PDF edition',
    bytes: (size) => `${groupDigits(size)} ${size === 1 ? 'byte' : 'bytes'}`,
    details: (notes) => ` (${notes.join(', ')})`,
  },
  conference: {
    info: 'About the press conference',
    time: 'Time',
    venue: 'Venue',
    host: 'Host',
    speakers: 'Speakers',
    statement: 'Statement',
    questions: 'Questions and answers',
    question: 'Q',
    answer: 'A',
    reporter: 'Reporter',
    questionLink: (n) => `Link to question ${n}`,
  },
};

export const interfaceText: Readonly<Record<Lang, InterfaceText>> = { 'zh-CN': zhCN, en };

/** The interface words for a document in `lang`. */
export function textFor(lang: Lang): InterfaceText {
  return interfaceText[lang];
}
