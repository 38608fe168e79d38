// Feeds: one model and one pure serializer per format (the rebuild use case is src/publish/rebuildFeeds.ts).
export type { Disclosure, Feed, FeedCategory, FeedEntry, FeedFile, FeedFormat, FormatUrls } from './model.ts';
export { feedFormats } from './model.ts';
export { renderRss } from './rss.ts';
export { renderAtom } from './atom.ts';
export { renderJsonFeed } from './jsonFeed.ts';
export { absolutizeHtml, feedEntry, feedEntryArtifact, type FeedEntrySource } from './entries.ts';
export { defaultFeedSettings, feedDefinitions, type FeedDefinition, type FeedSettings } from './definitions.ts';
export { alternateFeedLinks, type AlternateLink, type PageFeedContext } from './discovery.ts';
export { gazetteNamespace } from './namespaces.ts';
