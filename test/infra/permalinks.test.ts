// The permalink CloudFront Function as the stack ships it: the code in the synthesized template,
// run in a fresh V8 context with CloudFront-shaped viewer-request events, gives the same object
// paths as the module the build and the preview server use (whose pages are tested end to end
// in test/discovery/permalinks.test.ts).

import { createContext, runInContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { permalinkUri } from '../../src/discovery/permalinkRules.js';
import { synthesized } from '../helpers/synth.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
interface Behavior {
  PathPattern?: string;
  FunctionAssociations?: { EventType: string; FunctionARN: { 'Fn::GetAtt': [string, string] } }[];
}
interface CloudFrontRequest {
  method: string;
  uri: string;
  querystring: Record<string, { value: string }>;
  headers: Record<string, { value: string }>;
  cookies: Record<string, { value: string }>;
}

let resources: Record<string, Resource>;
let functionId: string;
let handler: (event: unknown) => CloudFrontRequest;

beforeAll(async () => {
  ({ resources } = await synthesized());
  const found = Object.entries(resources).find(
    ([, resource]) => resource.Type === 'AWS::CloudFront::Function' && String(resource.Properties['FunctionCode']).includes('permalinkUri'),
  );
  if (found === undefined) throw new Error('No permalink function in the template.');
  functionId = found[0];
  // As CloudFront runs it: a script defining `handler`, nothing from Node in scope.
  const context = createContext({});
  runInContext(String(found[1].Properties['FunctionCode']), context);
  handler = runInContext('handler', context) as typeof handler;
}, 120_000);

/** A viewer-request event as CloudFront Functions receive it (percent-encoded URI and query). */
function event(uri: string, query?: string): unknown {
  return {
    version: '1.0',
    context: { eventType: 'viewer-request' },
    viewer: { ip: '198.51.100.7' },
    request: {
      method: 'GET',
      uri,
      querystring: query === undefined ? {} : { q: { value: query } },
      headers: { host: { value: 'www.huainan.gov.cn' } },
      cookies: {},
    },
  };
}

const typed = [
  '淮府〔2010〕69号',
  '淮府[2010]69号',
  '淮府(2010)69',
  '淮府（２０１０）６９号',
  '淮府【2010】069号',
  ' 淮府 〔2010〕 69 号 ',
  '淮府办〔2010〕72号',
  '淮府〔2010〕69号文',
  '淮国税发〔2010〕45号',
  '2010年第5期',
  '２０１０年第５期（总第５３期）',
  '总第53期',
  '不是文号',
  '淮府〔2010〕69号/',
];

describe('the permalink CloudFront Function', () => {
  it('runs on cloudfront-js-2.0, in ASCII, well under the 10 KB limit', () => {
    const config = resources[functionId]?.Properties['FunctionConfig'] as { Runtime: string };
    expect(config.Runtime).toBe('cloudfront-js-2.0');
    const code = String(resources[functionId]?.Properties['FunctionCode']);
    expect(Buffer.byteLength(code)).toBeLessThan(10 * 1024);
    expect(code).toMatch(/^[\x20-\x7e\n]*$/);
    expect(code).not.toMatch(/\bexport\b|\bimport\b|\brequire\b/);
  });

  it('maps what readers type exactly as the build and the preview server do', () => {
    const uris = [
      '/wh/',
      '/wh',
      '/wh/index.html',
      '/qk/',
      '/wh/6dee-5e9c-2010-69/',
      '/wh/6DEE-5E9C-2010-69',
      '/qk/2010-5/',
      '/qk/z53/index.html',
      ...typed.flatMap((text) => [`/wh/${encodeURIComponent(text)}`, `/qk/${encodeURIComponent(text)}`, `/wh/${text}`]),
      '/wh/%E6%B7',
      '/wh/%ZZ',
    ];
    for (const uri of uris) {
      const request = handler(event(uri));
      expect(request.uri, uri).toBe(permalinkUri(uri));
      expect(request.uri, uri).toMatch(/^\/(wh|qk)\//);
    }
    // Same answers for spellings of one 文号, different for another issuer.
    const answer = (text: string) => handler(event(`/wh/${encodeURIComponent(text)}`)).uri;
    expect(new Set(typed.slice(0, 6).map(answer)).size).toBe(1);
    expect(answer('淮府办〔2010〕69号')).not.toBe(answer('淮府〔2010〕69号'));
  });

  it('resolves the lookup form’s ?q= and keeps the rest of the request', () => {
    for (const q of typed.map((text) => encodeURIComponent(text)).concat(['%E6%B7%AE%E5%BA%9C+2010+69', 'nothing', ''])) {
      const request = handler(event('/wh/', q));
      expect(request.uri, q).toBe(permalinkUri('/wh/', q));
      expect(request.method).toBe('GET');
      expect(request.headers['host']?.value).toBe('www.huainan.gov.cn');
    }
    expect(handler(event('/wh/', 'nothing')).uri).toBe('/wh/index.html');
  });

  it('is the viewer-request function of /wh/* and /qk/* only', () => {
    const distribution = Object.values(resources).find((resource) => resource.Type === 'AWS::CloudFront::Distribution');
    const config = distribution?.Properties['DistributionConfig'] as { DefaultCacheBehavior: Behavior; CacheBehaviors: Behavior[] };
    const uses = (behavior: Behavior) => (behavior.FunctionAssociations ?? []).filter((association) => association.FunctionARN['Fn::GetAtt'][0] === functionId);
    for (const pattern of ['wh/*', 'qk/*']) {
      const behavior = config.CacheBehaviors.find((candidate) => candidate.PathPattern === pattern);
      expect(behavior?.FunctionAssociations, pattern).toHaveLength(1);
      expect(
        uses(behavior as Behavior).map((association) => association.EventType),
        pattern,
      ).toEqual(['viewer-request']);
    }
    const others = [config.DefaultCacheBehavior, ...config.CacheBehaviors.filter((behavior) => !['wh/*', 'qk/*'].includes(behavior.PathPattern ?? ''))];
    for (const behavior of others) expect(uses(behavior), behavior.PathPattern ?? 'default').toEqual([]);
  });
});
