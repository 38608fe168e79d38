// Deposit packages for the reading points (查阅点): one BagIt bag per gazette issue.

export {
  type Bag,
  type BagFile,
  type BagInfoEntry,
  decodeManifestPath,
  encodeManifestPath,
  makeBag,
  parseBagInfo,
  parseManifest,
  payloadOxum,
} from './bagit.ts';
export {
  baggingDate,
  DepositError,
  depositName,
  depositZipKey,
  issueDeposit,
  issueDepositArtifact,
  type IssueDepositInput,
  issuePdfFor,
  issuePdfRef,
  publishedArticles,
} from './issueDeposit.ts';
export { type DepositFileRef, type DepositSite, documentDublinCore, documentMetadata, issueContents, issueDublinCore } from './metadata.ts';
export { bagInMemory, type BagReport, type BagSource, openBag, verifyBag } from './verify.ts';
export { unzipBag, zipBag } from './zip.ts';
