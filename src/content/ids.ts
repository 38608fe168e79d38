// Names that end up in URLs and keys: document ids, slugs (file and folder names), site ids.

export const idPattern = /^[a-z0-9][a-z0-9-]{2,63}$/;
export const slugPattern = /^[a-z0-9][a-z0-9-]*$/;
export const siteIdPattern = /^[a-z0-9-]+$/;
export const orgCodePattern = /^[0-9A-Z]{3,18}$/;

/** A suggestion for a name that is not a valid id or slug: lower-cased, other characters → `-`. */
export function suggestSlug(value: string): string | undefined {
  const slug = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug === '' ? undefined : slug;
}
