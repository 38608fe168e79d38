// Front matter: split the `---` block from the Markdown body and parse it as plain YAML 1.2,
// keeping every node's position so schema errors can point at the offending key or value.

import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import type { Position } from './model.ts';

export interface FrontMatterSplit {
  /** The YAML text between the fences, or undefined when the file has no front matter. */
  yaml: string | undefined;
  /** 1-based line of the file where the YAML text starts. */
  yamlLine: number;
  body: string;
  /** 1-based line of the file where the body starts. */
  bodyLine: number;
  /** True when the file opens a `---` fence that is never closed. */
  unclosed: boolean;
}

const fence = /^---[ \t]*\r?$/;

/** Split a Markdown file into front matter and body. A leading BOM is ignored. */
export function splitFrontMatter(text: string): FrontMatterSplit {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const firstEnd = source.indexOf('\n');
  const firstLine = firstEnd === -1 ? source : source.slice(0, firstEnd);
  if (!fence.test(firstLine)) return { yaml: undefined, yamlLine: 1, body: source, bodyLine: 1, unclosed: false };
  let offset = firstEnd + 1;
  let line = 2;
  while (firstEnd !== -1 && offset <= source.length) {
    const end = source.indexOf('\n', offset);
    const current = end === -1 ? source.slice(offset) : source.slice(offset, end);
    if (fence.test(current)) {
      return {
        yaml: source.slice(firstEnd + 1, offset),
        yamlLine: 2,
        body: end === -1 ? '' : source.slice(end + 1),
        bodyLine: line + 1,
        unclosed: false,
      };
    }
    if (end === -1) break;
    offset = end + 1;
    line++;
  }
  return { yaml: undefined, yamlLine: 2, body: source, bodyLine: 1, unclosed: true };
}

/** A problem found while parsing YAML, positioned in the file. */
export interface YamlProblem extends Position {
  ruleId: 'yaml-syntax' | 'yaml-tag' | 'yaml-anchor' | 'yaml-alias';
  message: string;
  hint?: string;
}

export interface ParsedYaml {
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** 1-based line of the file where the YAML text starts. */
  firstLine: number;
  /** The plain data, or undefined when the YAML could not be read. */
  data: unknown;
  problems: YamlProblem[];
}

/** Parse YAML with the 1.2 core schema (dates stay strings); refuse tags, anchors and aliases. */
export function parseYaml(text: string, firstLine = 1): ParsedYaml {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, schema: 'core', prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): Position => toPosition(lineCounter, offset, firstLine);
  const problems: YamlProblem[] = [];
  for (const error of document.errors) {
    const duplicate = error.code === 'DUPLICATE_KEY';
    problems.push({
      ...at(error.pos[0]),
      ruleId: 'yaml-syntax',
      message: duplicate ? 'This key appears twice in the same map.' : `The YAML cannot be read: ${firstSentence(error.message)}`,
      hint: duplicate
        ? 'Keep one of the two entries and delete the other.'
        : 'Check the indentation and quote values that contain `: ` or start with `[`, `{`, `*`, `&`, `!` or `#`.',
    });
  }
  visit(document, {
    Node(_key, node) {
      const offset = node.range?.[0] ?? 0;
      if (isAlias(node)) {
        problems.push({
          ...at(offset),
          ruleId: 'yaml-alias',
          message: `The alias \`*${node.source}\` repeats another value; front matter does not allow aliases.`,
          hint: 'Write the value out in full.',
        });
        return;
      }
      if (node.anchor !== undefined) {
        problems.push({
          ...at(propertyOffset(text, offset, `&${node.anchor}`)),
          ruleId: 'yaml-anchor',
          message: `The anchor \`&${node.anchor}\` is not allowed in front matter.`,
          hint: `Delete \`&${node.anchor}\` and write values out in full where they are repeated.`,
        });
      }
      if (node.tag !== undefined) {
        problems.push({
          ...at(propertyOffset(text, offset, '!')),
          ruleId: 'yaml-tag',
          message: `The tag \`${shortTag(node.tag)}\` is not allowed in front matter.`,
          hint: 'Delete the tag; quote the value if it must be read as text, e.g. code: "003210001".',
        });
      }
    },
  });
  let data: unknown;
  if (document.errors.length === 0) {
    try {
      data = document.toJS({ maxAliasCount: -1 });
    } catch (error) {
      // An alias before its anchor: already reported as `yaml-alias`, no data to validate.
      if (!problems.some((problem) => problem.ruleId === 'yaml-alias')) throw error;
    }
  }
  return { document, lineCounter, firstLine, data, problems };
}

/** Where a path such as `['qa', 2, 'answer']` sits: its value, or its key with `target: 'key'`.
 * When the path does not exist (a missing field), the nearest existing parent is returned. */
export function positionOfPath(
  parsed: Pick<ParsedYaml, 'document' | 'lineCounter' | 'firstLine'>,
  path: readonly PropertyKey[],
  target: 'key' | 'value' = 'value',
): Position {
  let node: unknown = parsed.document.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair === undefined) break;
      const keyOffset = (pair.key as Node).range?.[0] ?? offset;
      if (last && target === 'key') {
        offset = keyOffset;
        break;
      }
      node = pair.value;
      offset = (pair.value as Node | null)?.range?.[0] ?? keyOffset;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) break;
      node = item;
      offset = (item as Node).range?.[0] ?? offset;
    } else {
      break;
    }
  }
  return toPosition(parsed.lineCounter, offset, parsed.firstLine);
}

/** Positions of every key and value, keyed by `pathKey(path)` (values) and `'@' + pathKey(path)`
 * (keys): a compact record that survives the cache, for cross-file messages. */
export function collectPositions(parsed: ParsedYaml): Record<string, [number, number]> {
  const positions: Record<string, [number, number]> = {};
  const put = (key: string, offset: number | undefined) => {
    const at = toPosition(parsed.lineCounter, offset ?? 0, parsed.firstLine);
    positions[key] = [at.line, at.column];
  };
  const walk = (node: unknown, path: PropertyKey[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const child = [...path, String(pair.key.value)];
        put(`@${pathKey(child)}`, pair.key.range?.[0]);
        put(pathKey(child), (pair.value as Node | null)?.range?.[0] ?? pair.key.range?.[0]);
        walk(pair.value, child);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const child = [...path, index];
        put(pathKey(child), (item as Node).range?.[0]);
        walk(item, child);
      });
    }
  };
  put('', (parsed.document.contents as Node | null)?.range?.[0]);
  walk(parsed.document.contents, []);
  return positions;
}

/** `['qa', 2, 'answer']` → `qa.2.answer`. */
export function pathKey(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

function toPosition(lineCounter: LineCounter, offset: number, firstLine: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line: line + firstLine - 1, column: col };
}

/** Where a tag or anchor written before a node starts, so the message points at what to delete. */
function propertyOffset(text: string, nodeStart: number, token: string): number {
  let found = text.lastIndexOf(token, nodeStart);
  if (found === -1) return nodeStart;
  while (found > 0 && text[found - 1] === '!') found--; // `!!str` starts at its first `!`.
  // Only the node's own properties (tag, anchor) and white space may sit in between.
  return /^(?:[!&]\S*\s+){1,2}$/.test(text.slice(found, nodeStart)) ? found : nodeStart;
}

function firstSentence(message: string): string {
  const text = message.split('\n')[0] ?? message;
  return text.replace(/ at line \d+, column \d+:?$/, '.').replace(/\.?$/, '.');
}

function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}
