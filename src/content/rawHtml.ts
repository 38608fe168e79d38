// Raw HTML in Markdown bodies is sanitized by the renderer. Checks warn about what would be
// removed, so an editor is never surprised by a missing embed or script.

const removedElements = ['script', 'iframe', 'style', 'object', 'embed', 'form'];

/** What the sanitizer removes from this HTML: elements, `on*` handlers, javascript:/data: URLs. */
export function strippedHtmlParts(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/<\s*([a-zA-Z][a-zA-Z0-9-]*)/g)) {
    const name = (match[1] as string).toLowerCase();
    if (removedElements.includes(name)) found.add(`<${name}>`);
  }
  for (const match of html.matchAll(/\s(on[a-zA-Z]+)\s*=/g)) found.add(`the ${(match[1] as string).toLowerCase()} handler`);
  for (const match of html.matchAll(/(?:href|src|action|formaction|xlink:href)\s*=\s*["']?\s*(javascript|data|vbscript):/gi)) {
    found.add(`${(match[1] as string).toLowerCase()}: URLs`);
  }
  return [...found];
}

/** True for URLs the sanitizer drops from links and images. */
export function isUnsafeUrl(url: string): boolean {
  return /^\s*(javascript|data|vbscript):/i.test(url);
}
