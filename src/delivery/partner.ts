// The partner model and its profile filter, apart from partners.yaml validation, so that
// functions which only match documents to partners (feeds, notify) do not bundle zod or yaml.

import type { DocumentKind, Lang } from '../content/model.ts';

/** Where a partner's signing secret lives: an environment variable locally, Secrets Manager on AWS. */
export type SecretRef = { env: string } | { awsSecret: string };

export interface PartnerProfile {
  /** Absent: every kind. */
  kinds?: DocumentKind[];
  /** 发布机构 names from site.yaml; absent: every department. */
  departments?: string[];
  /** 主题分类 names from site.yaml; absent: every topic. */
  topics?: string[];
  /** Absent: every language. */
  languages?: Lang[];
  /** Full sanitized HTML in feed entries, or summaries only. */
  fullText: boolean;
}

export interface Partner {
  id: string;
  name: string;
  takes: PartnerProfile;
  webhook: { url: string; secret: SecretRef };
  /** WebSub hub to ping when the partner's feed changes. */
  websubHub?: string;
  /** Trusted to receive embargoed documents before their release (a \`document.embargoed\` push). */
  embargoAccess?: boolean;
}

/** The facts a profile filters on; document records and feed log items both have them. */
export interface DocumentFacts {
  kind: DocumentKind;
  lang: Lang;
  /** Department name. */
  department: string;
  /** Topic name. */
  category: string;
}

export function partnerTakes(profile: PartnerProfile, doc: DocumentFacts): boolean {
  return (
    (profile.kinds === undefined || profile.kinds.includes(doc.kind)) &&
    (profile.languages === undefined || profile.languages.includes(doc.lang)) &&
    (profile.departments === undefined || profile.departments.includes(doc.department)) &&
    (profile.topics === undefined || profile.topics.includes(doc.category))
  );
}
