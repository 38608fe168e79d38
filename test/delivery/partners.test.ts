import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/content/frontmatter.ts';
import type { SiteConfig } from '../../src/content/model.ts';
import { loadPartners, parsePartners, partnerTakes } from '../../src/delivery/partners.ts';

const site = parseYaml(await readFile('content/site.yaml', 'utf8')).data as SiteConfig;

const valid = `partners:
  - id: hnnews
    name: 淮南新闻网
    takes: { kinds: [release], fullText: true }
    webhook: { url: https://news.example.org/hook, secret: { env: NEWS_SECRET } }
`;

describe('partners.yaml', () => {
  it('loads the example partners: news, external publicity and disclosure sites, secrets by reference only', async () => {
    const { partners, messages } = await loadPartners('content', site);
    expect(messages).toEqual([]);
    expect(partners?.map((partner) => partner.id)).toEqual(['hnnews', 'waixuan', 'xxgk']);
    for (const partner of partners ?? []) expect(Object.keys(partner.webhook.secret)).toEqual(['env']);
    const disclosure = partners?.find((partner) => partner.id === 'xxgk');
    expect(disclosure?.takes).toMatchObject({ kinds: ['article'], fullText: true });
    expect(partners?.find((partner) => partner.id === 'waixuan')?.takes.languages).toContain('en');
  });

  it('reports every problem with its line and column, with a suggestion for a misspelt field', () => {
    const text = `partners:
  - id: Hn News
    name: 淮南新闻网
    takes: { kinds: [release], departmnets: [x], fullText: true }
    webhook: { url: ftp://x, secret: { env: NEWS_SECRET } }
`;
    const { partners, messages } = parsePartners(text, site);
    expect(partners).toBeUndefined();
    const brief = messages.map((m) => [m.line, m.column, m.ruleId]);
    expect(brief).toEqual(
      expect.arrayContaining([
        [2, 9, 'invalid-partner'],
        [4, 32, 'unknown-field'],
        [5, 21, 'invalid-partner'],
      ]),
    );
    expect(messages.find((m) => m.ruleId === 'unknown-field')?.hint).toBe('Did you mean `departments`?');
  });

  it('checks department and topic names against site.yaml and refuses duplicate ids', () => {
    const text = `${valid}  - id: hnnews
    name: 重复
    takes: { departments: [淮南市民证局], topics: [政务公开], fullText: false }
    webhook: { url: https://x.example.org/, secret: { awsSecret: "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x" } }
`;
    const { messages } = parsePartners(text, site);
    expect(messages.map((m) => [m.line, m.ruleId])).toEqual([
      [6, 'duplicate-partner-id'],
      [8, 'unknown-department'],
    ]);
    expect(messages[1]?.hint).toBe('Did you mean `淮南市民政局`?');
  });

  it('refuses a secret written into the file instead of a reference', () => {
    const text = valid.replace('{ env: NEWS_SECRET }', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(parsePartners(text, site).messages.map((m) => [m.line, m.ruleId])).toEqual([[5, 'invalid-partner']]);
  });

  it('takes Secrets Manager ARNs of every partition, and says what is wrong with any other', () => {
    const withSecret = (arn: string) => parsePartners(valid.replace('{ env: NEWS_SECRET }', `{ awsSecret: "${arn}" }`), site);
    for (const arn of [
      'arn:aws:secretsmanager:ap-east-1:123456789012:secret:gazette/partners/hnnews-AbCdEf',
      'arn:aws-cn:secretsmanager:cn-northwest-1:123456789012:secret:gazette/partners/hnnews-AbCdEf',
      'arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:gazette/partners/hnnews-AbCdEf',
    ]) {
      const { partners, messages } = withSecret(arn);
      expect(messages).toEqual([]);
      expect(partners?.[0]?.webhook.secret).toEqual({ awsSecret: arn });
    }
    const problem = (arn: string) => withSecret(arn).messages.map((m) => [m.line, m.ruleId, m.message]);
    expect(problem('arn:aws-iso:secretsmanager:us-iso-east-1:123456789012:secret:x')).toEqual([
      [5, 'invalid-partner', expect.stringContaining('is not the ARN of a secret in AWS Secrets Manager')],
    ]);
    expect(problem('gazette/partners/hnnews')[0]?.[2]).toContain('aws, aws-cn (China regions) or aws-us-gov (GovCloud)');
    expect(problem('arn:aws:secretsmanager:cn-north-1:123456789012:secret:x')).toEqual([
      [5, 'invalid-partner', expect.stringContaining('The region cn-north-1 is in the aws-cn partition, so the ARN starts `arn:aws-cn:`')],
    ]);
  });

  it('matches documents by kind, language, department and topic', () => {
    const profile = { kinds: ['release' as const], languages: ['en' as const], topics: ['政务公开'], fullText: false };
    const doc = { kind: 'release' as const, lang: 'en' as const, department: '淮南市人民政府新闻办公室', category: '政务公开' };
    expect(partnerTakes(profile, doc)).toBe(true);
    expect(partnerTakes(profile, { ...doc, lang: 'zh-CN' })).toBe(false);
    expect(partnerTakes(profile, { ...doc, kind: 'article' })).toBe(false);
    expect(partnerTakes(profile, { ...doc, category: '民政' })).toBe(false);
  });
});
