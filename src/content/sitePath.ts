// A published file's name as it is in its object key (`50%折扣.pdf`) and in its site URL path.
// In the URL path the characters a URL cannot carry as written are percent-encoded: `%` itself,
// `#` and `?` (which would end the path), spaces, controls and `"<>\^`{|}`. Other characters,
// Chinese included, stay as written, as IRIs allow; browsers and URL parsers encode them as UTF-8.
// Decoding undoes both, and a `%` that starts no escape is kept: it never throws, as decodeURI
// does on `50%折扣.pdf`.

// Controls are escaped too: they are never part of a URL as written.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0020"#%<>?\\^`{|}\u007f]/g;

/** One path segment (a file name) as it appears in a site URL path. */
export function encodePathSegment(name: string): string {
  return name.replace(UNSAFE, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** The site URL path of an object key under the site prefix: `press/2010/x/50%折扣.pdf` → `/press/2010/x/50%25折扣.pdf`. */
export function urlPathOfKey(key: string): string {
  return `/${key.split('/').map(encodePathSegment).join('/')}`;
}

/** The object key a site URL path names: `/press/2010/x/50%25折扣.pdf` (or its fully encoded form) → `press/2010/x/50%折扣.pdf`. */
export function keyOfUrlPath(urlPath: string): string {
  return decodeEscapes(urlPath).replace(/^\//, '');
}

/** Percent-escapes decoded as UTF-8; a run of escapes that is not valid UTF-8 stays as written. */
function decodeEscapes(path: string): string {
  return path.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}
