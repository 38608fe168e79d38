// Types of permalinkRules.js (plain JavaScript: it is also the CloudFront Function's code).

/** The key of a 文号 as people write it (淮府〔2010〕69号 → `6dee-5e9c-2010-69`), or undefined. */
export function docNumberKey(text: string): string | undefined;
/** The key of an issue citation (2010年第5期 → `2010-5`; 总第53期 → `z53`), or undefined. */
export function issueCitationKey(text: string): string | undefined;
/** The object path a request URI under /wh/ or /qk/ is served from (other URIs unchanged). */
export function permalinkUri(uri: string, query?: string): string;
/** The CloudFront Functions viewer-request handler. */
export function handler<R extends { uri: string; querystring?: Record<string, { value: string } | undefined> }>(event: { request: R }): R;
