// The public site: CloudFront in front of the private site bucket's `site/` prefix, reached only
// through Origin Access Control. Cache policies per kind of object (infra mirrors src/outputs.ts:
// immutable hashed assets for a year; pages and feeds for minutes, as their Cache-Control says),
// security headers on every response, and short error caching so a release shows within minutes.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { contentSecurityPolicy } from '../src/outputs.ts';
import { SITE_PREFIX } from '../src/store/ports.ts';
import { repoRoot } from './functions.ts';

export interface SiteDistributionProps {
  siteBucket: s3.IBucket;
  logsBucket: s3.IBucket;
  /** The city's domain (e.g. gazette.huainan.gov.cn) and its ACM certificate in us-east-1. */
  domain?: { name: string; certificateArn: string };
}

/** The module the build and the preview server import for permalinks (/wh/, /qk/). */
export const PERMALINK_RULES = 'src/discovery/permalinkRules.js';

/**
 * The permalink rules as CloudFront Function code: the very module, without its `export`
 * keywords and whole-line comments (functions are limited to 10 KB), non-ASCII escaped.
 */
export function permalinkFunctionCode(): string {
  const source = readFileSync(join(repoRoot, PERMALINK_RULES), 'utf8');
  const code = source
    .split('\n')
    .filter((line) => !/^\s*\/\//.test(line) && line.trim() !== '')
    .map((line) => line.replace(/^export function /, 'function '))
    .join('\n')
    // ASCII only: every non-ASCII character is inside a string or regular expression literal.
    .replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (/\bexport\b|\bimport\b/.test(code)) throw new Error(`${PERMALINK_RULES} must stay a plain script: no imports, only \`export function\`.`);
  return `${code}\n`;
}

/** How long a 403/404 is cached: a page published a minute ago must not stay "not found" for long. */
export const ERROR_CACHING_TTL = Duration.seconds(30);

export class SiteDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: SiteDistributionProps) {
    super(scope, id);
    const origin = origins.S3BucketOrigin.withOriginAccessControl(props.siteBucket, {
      originPath: `/${SITE_PREFIX.replace(/\/$/, '')}`,
    });
    // The origin path keeps CloudFront under site/; this makes the bucket itself refuse the rest.
    props.siteBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyCloudFrontOutsideSite',
        effect: iam.Effect.DENY,
        principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
        actions: ['s3:GetObject'],
        notResources: [props.siteBucket.arnForObjects(`${SITE_PREFIX}*`)],
      }),
    );

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Gazette: HSTS, CSP, nosniff, frame options, referrer policy',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, preload: true, override: true },
        contentSecurityPolicy: { contentSecurityPolicy, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
    });

    const compressed = { enableAcceptEncodingGzip: true, enableAcceptEncodingBrotli: true };
    // Pages, PDFs and feeds carry `max-age=120..300, must-revalidate`; CloudFront honours it within these bounds.
    const shortLived = new cloudfront.CachePolicy(this, 'ShortLived', {
      comment: 'Gazette pages and feeds: as the object says, at most 10 minutes',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.minutes(5),
      maxTtl: Duration.minutes(10),
      ...compressed,
    });
    const immutable = new cloudfront.CachePolicy(this, 'Immutable', {
      comment: 'Gazette content-hashed assets: a year',
      minTtl: Duration.days(365),
      defaultTtl: Duration.days(365),
      maxTtl: Duration.days(365),
      ...compressed,
    });

    // `/gazette/2010/` → `/gazette/2010/index.html`: S3 has no directory index behind OAC.
    const directoryIndex = new cloudfront.Function(this, 'DirectoryIndex', {
      comment: 'Append index.html to directory URLs',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        "function handler(event) { var r = event.request; if (r.uri.endsWith('/')) { r.uri += 'index.html'; } " +
          "else if (r.uri.lastIndexOf('.') < r.uri.lastIndexOf('/')) { r.uri += '/index.html'; } return r; }",
      ),
    });

    // `/wh/淮府〔2010〕69号`, `/qk/2010年第5期` and their variants → the static resolver page.
    const permalinks = new cloudfront.Function(this, 'Permalinks', {
      comment: 'Normalise document numbers and issue citations to their resolver pages',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(permalinkFunctionCode()),
    });

    const pages: cloudfront.BehaviorOptions = {
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: shortLived,
      responseHeadersPolicy: headers,
      compress: true,
      functionAssociations: [{ function: directoryIndex, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
    };
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Gazette public site',
      defaultBehavior: pages,
      additionalBehaviors: {
        'assets/*': { ...pages, cachePolicy: immutable, functionAssociations: [] },
        'feeds/*': { ...pages, functionAssociations: [] },
        ...Object.fromEntries(
          ['wh/*', 'qk/*'].map((pattern) => [
            pattern,
            { ...pages, functionAssociations: [{ function: permalinks, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }] },
          ]),
        ),
      },
      defaultRootObject: 'index.html',
      // Without s3:ListBucket, S3 answers 403 for a missing key; readers get the 404 page either way.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 404,
        responsePagePath: '/404.html',
        ttl: ERROR_CACHING_TTL,
      })),
      ...(props.domain === undefined
        ? {}
        : {
            domainNames: [props.domain.name],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
      enableLogging: true,
      logBucket: props.logsBucket,
      logFilePrefix: 'cloudfront/',
    });
  }
}
