// Worker of the render-floor benchmark (pipeline.ts): the bare unified pipeline the issue names as
// its anchor (parse, GFM, to HTML; no templates, no sanitizing, no storage) over the Markdown it is
// given. Plain JavaScript so a worker thread runs it without a loader.

import { parentPort, workerData } from 'node:worker_threads';
import { toHtml } from 'hast-util-to-html';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';

const processor = unified().use(remarkParse).use(remarkGfm).use(remarkRehype);
let bytes = 0;
for (const markdown of workerData.bodies) {
  bytes += toHtml(processor.runSync(processor.parse(markdown))).length;
}
parentPort?.postMessage({ bytes });
