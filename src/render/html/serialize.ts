// hast to HTML: the bytes hast-util-to-html 9 writes with its default options (plus
// `allowDangerousHtml` when asked), in about a third of its time. Every page, body and feed entry
// goes through here, in rendering's hot path: in a rebuild after a new site.yaml the listings,
// catalogue and statistics pages alone spent 1.7 s of the main thread in hast-util-to-html.
//
// What made it slow for these trees, and what is done instead:
// - it looks up every attribute's name and kind (property-information's `find`, which builds
//   strings for data-* and aria-* names) on every element: here once per name and schema;
// - it escapes every text and attribute value through stringify-entities, which copies its options
//   object and runs a replace on each: here a test for the few characters that need a reference,
//   and a replace only when one is there;
// - it collects each element's parts and children in arrays and joins them: here one string grows.
//
// Same output, by construction and by test: test/render/serialize.test.ts holds it to
// hast-util-to-html over every page and body of the example content, the bench corpus's bodies
// and trees made to hit each rule below (booleans, lists, data and ARIA names, SVG, comments,
// raw nodes, script and style). The rules, as hast-util-to-html applies them by default:
// - text: `<` and `&` as hexadecimal references (`&#x3C;`, `&#x26;`), except inside script and style;
// - attributes: always double-quoted; `"`, `&`, `'`, a backtick and NUL as references; booleans
//   bare or left out; lists joined with spaces, or commas for comma-separated ones;
// - void elements (html-void-elements) have no end tag unless they have content; inside `<svg>`
//   names follow the SVG schema, and no element is void;
// - raw nodes as they are with `allowDangerousHtml`, escaped as text without it;
// - comments with the sequences the HTML standard forbids escaped; `<!doctype html>`.

import type { Element, Nodes, Parents, Root } from 'hast';
import { htmlVoidElements } from 'html-void-elements';
import { find, html, type Schema, svg } from 'property-information';

export interface ToHtmlOptions {
  /** Write raw nodes as they are (default: escaped as text). */
  allowDangerousHtml?: boolean;
}

/** `tree` as HTML, byte for byte as hast-util-to-html's `toHtml(tree, options)` with only these options. */
export function toHtml(tree: Nodes | Nodes[], options: ToHtmlOptions = {}): string {
  const node: Nodes = Array.isArray(tree) ? { type: 'root', children: tree as Root['children'] } : tree;
  return one(node, undefined, html, options.allowDangerousHtml === true);
}

const voids = new Set(htmlVoidElements);

function one(node: Nodes, parent: Parents | undefined, schema: Schema, dangerous: boolean): string {
  if (!isNode(node)) throw new Error(`Expected node, not \`${shown(node)}\``);
  switch (node.type) {
    case 'element':
      return element(node, schema, dangerous);
    case 'text':
      return inRawText(parent) ? node.value : escapeText(node.value);
    case 'raw':
      return dangerous || inRawText(parent) ? node.value : escapeText(node.value);
    case 'root':
      return all(node, schema, dangerous);
    case 'comment':
      return `<!--${node.value.replace(forbiddenInComment, (sequence) => escapeWith(sequence, /[<>]/g))}-->`;
    case 'doctype':
      return '<!doctype html>';
    default:
      throw new Error(`Cannot compile unknown node \`${(node as { type: string }).type}\``);
  }
}

function isNode(value: unknown): value is Nodes {
  return value !== null && typeof value === 'object' && Object.hasOwn(value, 'type');
}

function shown(value: unknown): string {
  return value !== null && typeof value === 'object' ? Object.prototype.toString.call(value) : String(value);
}

function all(parent: Parents, schema: Schema, dangerous: boolean): string {
  let result = '';
  for (const child of parent.children) result += one(child, parent, schema, dangerous);
  return result;
}

function inRawText(parent: Parents | undefined): boolean {
  return parent !== undefined && parent.type === 'element' && (parent.tagName === 'script' || parent.tagName === 'style');
}

function element(node: Element, schema: Schema, dangerous: boolean): string {
  // Void and the name schema are decided in the parent's space; the element's own attributes and
  // children are in SVG's once it is `<svg>`.
  let selfClosing = schema.space === 'svg' ? false : voids.has(node.tagName.toLowerCase());
  const own = schema.space === 'html' && node.tagName === 'svg' ? svg : schema;
  const attributes = serializeAttributes(node.properties, own);
  const content =
    own.space === 'html' && node.tagName === 'template' ? all((node as Element & { content: Root }).content, own, dangerous) : all(node, own, dangerous);
  if (content !== '') selfClosing = false;
  const open = attributes === '' ? `<${node.tagName}>` : `<${node.tagName} ${attributes}>`;
  return selfClosing ? open : `${open}${content}</${node.tagName}>`;
}

function serializeAttributes(properties: Element['properties'] | undefined, schema: Schema): string {
  if (properties === undefined) return '';
  let result = '';
  for (const key in properties) {
    const value = properties[key];
    if (value === null || value === undefined) continue;
    const attribute = serializeAttribute(attributeInfo(schema, key), value);
    if (attribute === '') continue;
    result = result === '' ? attribute : `${result} ${attribute}`;
  }
  return result;
}

interface AttributeInfo {
  /** The attribute's name as written (escaped). */
  name: string;
  /** Its name unescaped, which a boolean's value may repeat. */
  attribute: string;
  boolean: boolean;
  overloadedBoolean: boolean;
  commaSeparated: boolean;
}

const infoCache = new Map<Schema, Map<string, AttributeInfo>>();

function attributeInfo(schema: Schema, key: string): AttributeInfo {
  let bySchema = infoCache.get(schema);
  if (bySchema === undefined) infoCache.set(schema, (bySchema = new Map<string, AttributeInfo>()));
  let info = bySchema.get(key);
  if (info === undefined) {
    const found = find(schema, key);
    info = {
      name: escapeWith(found.attribute, nameSpecial),
      attribute: found.attribute,
      boolean: found.boolean,
      overloadedBoolean: found.overloadedBoolean,
      commaSeparated: found.commaSeparated,
    };
    bySchema.set(key, info);
  }
  return info;
}

type PropertyValue = NonNullable<Element['properties'][string]>;

function serializeAttribute(info: AttributeInfo, given: PropertyValue): string {
  let value: PropertyValue = given;
  if (info.overloadedBoolean && (value === info.attribute || value === '')) value = true;
  else if ((info.boolean || info.overloadedBoolean) && (typeof value !== 'string' || value === info.attribute || value === '')) value = Boolean(value);
  if (value === false || (typeof value === 'number' && Number.isNaN(value))) return '';
  if (value === true) return info.name;
  const text = Array.isArray(value) ? joinList(value, info.commaSeparated) : String(value);
  return `${info.name}="${attributeSpecialTest.test(text) ? escapeWith(text, attributeSpecial) : text}"`;
}

/** comma-separated-tokens' and space-separated-tokens' `stringify`, as hast-util-to-html calls them. */
function joinList(values: readonly (string | number)[], commaSeparated: boolean): string {
  if (!commaSeparated) return values.join(' ').trim();
  const input = values[values.length - 1] === '' ? [...values, ''] : values;
  return input.join(', ').trim();
}

const textSpecial = /[<&]/g;
const textSpecialTest = /[<&]/;
const attributeSpecial = /[\0"&'`]/g;
const attributeSpecialTest = /[\0"&'`]/;
const nameSpecial = /[\0\t\n\f\r "&'/<=>`]/g;
const forbiddenInComment = /^>|^->|<!--|-->|--!>|<!-$/g;

function escapeText(value: string): string {
  return textSpecialTest.test(value) ? escapeWith(value, textSpecial) : value;
}

/** Each character `pattern` matches as a hexadecimal character reference (stringify-entities' form). */
function escapeWith(value: string, pattern: RegExp): string {
  return value.replace(pattern, (character) => `&#x${(character.codePointAt(0) as number).toString(16).toUpperCase()};`);
}
