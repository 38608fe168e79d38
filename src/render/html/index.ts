export { createRenderContext, siteAssets } from './assets.ts';
export type { AlternateLink, LinkResolver, RenderContext, Translation } from './context.ts';
export {
  besidePage,
  renderDocumentPage,
  renderErratumPage,
  renderVersionPage,
  versionPath,
  type DocumentPageInput,
  type ErratumPageData,
  type PageLink,
  type VersionEntry,
} from './documentPage.ts';
export {
  renderGazetteArchive,
  renderGazetteYear,
  renderHomePage,
  renderIssuePage,
  renderNotFoundPage,
  renderPressIndex,
  renderPressMonth,
  type IssuePageInput,
  type IssuePageIssue,
} from './listingPages.ts';
export { pageHtml } from './page.ts';
