// Minimal XML writing for the feed serializers: escaping and one element helper.

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

// Characters XML 1.0 forbids; they never reach a feed even if a body contains them.
// eslint-disable-next-line no-control-regex
const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

// Anything escapeXml would change: most titles, URLs and dates have none, and are returned as they are.
// eslint-disable-next-line no-control-regex
const special = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

export function escapeXml(text: string): string {
  if (!special.test(text)) return text;
  return text.replace(forbidden, '').replace(/[&<>"']/g, (c) => escapes[c] as string);
}

/** `<name a="v">text</name>`, attributes in the given order, undefined ones left out. */
export function element(name: string, attributes: Record<string, string | number | undefined>, text?: string): string {
  const attrs = Object.entries(attributes)
    .filter((pair): pair is [string, string | number] => pair[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join('');
  return text === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${escapeXml(text)}</${name}>`;
}

/** Text in a CDATA section, splitting any `]]>` it contains. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(forbidden, '').replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}
