// Markdown body → sanitized hast. The processor is built once per process and reused.
//
// Raw HTML in a body is dropped, not parsed: remark-rehype runs without `allowDangerousHtml`,
// so `html` nodes never become elements (content checks already refuse them, with a position).
// rehype-sanitize (GitHub's schema) then removes anything executable that Markdown itself can
// express, such as `javascript:` links or `data:` images. Only after that do we add our own
// markup (finishHast, in the page's language), so nothing an editor writes can reach those attributes.

import type { Root as HastRoot } from 'hast';
import type { Root as MdastRoot } from 'mdast';
import rehypeSanitize, { defaultSchema, type Options as SanitizeSchema } from 'rehype-sanitize';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { parseMarkdown } from '../content/markdown.ts';
import { textFor } from '../../templates/strings.ts';
import { type BodyLang, finishHast } from './finishHast.ts';
import { prepareMdast, type LinkResolver } from './prepareMdast.ts';

export type { HastRoot, LinkResolver };

export interface MarkdownToHastOptions {
  /** Published URL of a relative link or image in the body; undefined when it leads nowhere. */
  resolveLink: LinkResolver;
  /** Language of the page the body is shown on, for the words of the markup we add; default zh-CN. */
  lang?: BodyLang;
}

const schema: SanitizeSchema = {
  ...defaultSchema,
  // Footnote links point at ids remark-rehype already prefixed: prefixing again breaks them.
  clobberPrefix: '',
  protocols: { ...defaultSchema.protocols, href: ['http', 'https', 'mailto', 'tel'] },
};

/** The processor for bodies in one language: the footnotes' heading and back links are in its words. */
function processorFor(lang: BodyLang) {
  const text = textFor(lang);
  return unified()
    .use(remarkRehype, {
      footnoteLabel: text.footnotes,
      footnoteLabelProperties: { className: ['footnotes-title'] },
      footnoteBackLabel: (referenceIndex: number, rereferenceIndex: number) => text.footnoteBack(referenceIndex + 1, rereferenceIndex),
    })
    .use(rehypeSanitize, {
      ...schema,
      attributes: { ...schema.attributes, h2: [['className', 'footnotes-title']] },
    })
    .freeze();
}

const processors = new Map<BodyLang, ReturnType<typeof processorFor>>();

/** Convert a Markdown body to a hast tree that is safe to embed in a page. */
export function markdownToHast(body: string, options: MarkdownToHastOptions): HastRoot {
  const lang = options.lang ?? 'zh-CN';
  let processor = processors.get(lang);
  if (processor === undefined) processors.set(lang, (processor = processorFor(lang)));
  const tree: MdastRoot = parseMarkdown(body);
  prepareMdast(tree, options.resolveLink);
  const hast = processor.runSync(tree);
  finishHast(hast, lang);
  return hast;
}
