import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentRequest, type RequestContext } from '../common/request/request-context.js';
import { CurrentPrincipal } from '../identity/current-principal.decorator.js';
import type { Principal } from '../identity/principal.js';
import { Public } from '../identity/public.decorator.js';
import { PublicRateLimit } from '../identity/public-rate-limit.guard.js';
import { AppConfig } from '../config/app-config.js';
import { CertificateCatalog } from './certificate-catalog.js';
import { CertificateError } from './certificates.errors.js';
import { parseCertificateIdentifier } from './certificate-identifier.js';
import { CertificateVerificationService, MAX_KEY_BINDING_FIELD } from './certificate-verification.service.js';
import { JSON_LD_MEDIA_TYPE } from './credential/onegate-context.js';

import { STATUS_PURPOSES, type StatusPurpose } from './credential/status-list.js';
import { STATUS_LIST_TOKEN_MEDIA_TYPE } from './credential/token-status-list.js';
import type { VerificationResult } from './credential/verify-credential.js';
import { IssuingKeysService } from './issuing-keys.service.js';
import { StatusListsService, type PublishedStatusList } from './status-lists.service.js';
import { PresentationLinksService } from './presentation-links.service.js';
import { VerificationPageLimitFilter } from './verification-page.filter.js';
import { VERIFICATION_PAGE_CSS, VERIFICATION_PAGE_HEADERS, verificationPage } from './verification-page.js';

/**
 * The public HTTP face of the registry, all without a token: the department keys (JWKS), the trust
 * anchors, the status lists certificates point to, onegate's JSON-LD context, verification as
 * JSON, and the page a certificate's QR code opens.
 */
const LIST_NUMBER = /^[1-9][0-9]{0,8}$/;

/** An expected audience or nonce from a JSON body: a string of at most MAX_KEY_BINDING_FIELD characters, else none. */
function keyBindingField(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_KEY_BINDING_FIELD ? value : null;
}

@Public()
@Controller()
export class CertificatesController {
  constructor(
    private readonly keys: IssuingKeysService,
    private readonly statusLists: StatusListsService,
    private readonly verification: CertificateVerificationService,
    private readonly links: PresentationLinksService,
    private readonly config: AppConfig,
    private readonly catalog: CertificateCatalog,
  ) {}

  @Get('.well-known/jwks.json')
  @Header('cache-control', 'public, max-age=300')
  jwks(): Promise<unknown> {
    return this.keys.jwks();
  }

  /** The root CA certificate(s): the trust anchors for `npm run cert:verify -- --trust`. */
  @Get('trust/root-ca.pem')
  @Header('content-type', 'application/x-pem-file')
  @Header('cache-control', 'public, max-age=3600')
  rootCa(): string {
    return this.keys.trustMaterial.anchorsPem;
  }

  /** A W3C Bitstring Status List credential (`application/vc+jwt`): the VC 2.0 `credentialStatus` entries point here. */
  @Get('status-lists/:department/:list/:purpose')
  async statusList(
    @Param('department') department: string,
    @Param('list') list: string,
    @Param('purpose') purpose: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const published =
      LIST_NUMBER.test(list) && (STATUS_PURPOSES as readonly string[]).includes(purpose)
        ? await this.statusLists.publish(department, Number(list), purpose as StatusPurpose)
        : null;
    await this.sendStatusList(published, 'application/vc+jwt', request, reply);
  }

  /**
   * The IETF Token Status List token of a list number (`application/statuslist+jwt`,
   * draft-ietf-oauth-status-list-17 §8): the SD-JWT VC `status.status_list.uri` points here.
   * Readable from browser-based wallets (CORS, as §8.1 recommends): it is public and needs no credentials.
   */
  @Get('status-lists/:department/:list')
  async statusListToken(
    @Param('department') department: string,
    @Param('list') list: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const published = LIST_NUMBER.test(list) ? await this.statusLists.publishToken(department, Number(list)) : null;
    reply.header('access-control-allow-origin', '*');
    await this.sendStatusList(published, STATUS_LIST_TOKEN_MEDIA_TYPE, request, reply);
  }

  private async sendStatusList(published: PublishedStatusList | null, contentType: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!published) throw CertificateError.notFound('STATUS_LIST_NOT_FOUND', 'no such status list');
    const maxAge = Math.max(0, Math.floor((published.expiresAt - Date.now()) / 1000));
    reply.header('etag', published.etag).header('cache-control', `public, max-age=${Math.min(maxAge, this.config.STATUS_LIST_CACHE_SECONDS)}`);
    if (request.headers['if-none-match'] === published.etag) {
      await reply.status(304).send();
      return;
    }
    await reply.header('content-type', contentType).send(published.jwt);
  }

  /**
   * onegate's JSON-LD context, `GET /ns/credentials/v1`: the bytes of schemas/contexts/ exactly (their
   * digest is the one credentials pin), for anyone to read, from any origin. A version never
   * changes, so it may be kept for a year. Verifiers hold their own copy; this is where to get it.
   */
  @Get('ns/credentials/:version')
  async context(@Param('version') version: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const context = this.catalog.contexts.find((c) => c.path === `ns/credentials/${version}`);
    if (!context) throw CertificateError.notFound('CONTEXT_NOT_FOUND', 'no such context');
    const etag = `"${context.digestSRI}"`;
    reply
      .header('etag', etag)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('access-control-allow-origin', '*')
      .header('x-content-type-options', 'nosniff');
    if (request.headers['if-none-match'] === etag) {
      await reply.status(304).send();
      return;
    }
    await reply.header('content-type', JSON_LD_MEDIA_TYPE).send(context.bytes);
  }

  /**
   * `POST /certificates/verify` `{ "credential": "…", "audience"?: "…", "nonce"?: "…" }` → the three
   * verdicts as JSON. `audience` and `nonce` are what a holder-bound presentation's key-binding JWT
   * must be for.
   */
  @Post('certificates/verify')
  @PublicRateLimit()
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  async verify(
    @Body() body: unknown,
    @CurrentPrincipal({ optional: true }) principal: Principal | undefined,
    @CurrentRequest() request: RequestContext,
  ): Promise<VerificationResult> {
    const fields = typeof body === 'object' && body !== null ? (body as { credential?: unknown; audience?: unknown; nonce?: unknown }) : {};
    const keyBinding = { audience: keyBindingField(fields.audience), nonce: keyBindingField(fields.nonce) };
    return this.verification.verify(fields.credential, principal, request, keyBinding);
  }

  /** The verification page's stylesheet (its CSP allows no inline style). */
  @Get('verify.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'public, max-age=3600')
  pageCss(): string {
    return VERIFICATION_PAGE_CSS;
  }

  /**
   * The page a QR code opens, server-rendered, no script. `/verify?id=<identifier>` (a certificate's
   * own QR code) verifies the registered certificate and shows the verdict, status, issuer, type and
   * a masked holder — never its claims; an identifier that is not one (wrong shape, or a check
   * character that does not match) is a 400 saying which, a well-formed one not registered here a
   * 404. `/verify?p=<ref>` (a QR code the holder made) verifies the
   * presentation behind the link and shows the same with exactly the claims it discloses. Without
   * either, `/verify` is the console's verification page, where a certificate is pasted or scanned.
   */
  @Get('verify')
  @PublicRateLimit()
  @UseFilters(VerificationPageLimitFilter)
  async page(
    @Query('id') id: unknown,
    @Query('p') ref: unknown,
    @CurrentPrincipal({ optional: true }) principal: Principal | undefined,
    @CurrentRequest() request: RequestContext,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    reply.headers(VERIFICATION_PAGE_HEADERS);
    if (typeof ref === 'string' && ref !== '') {
      const page = await this.links.presentationPage(ref, principal, request);
      await reply.status(page ? 200 : 404).send(verificationPage(page ?? { state: 'link-expired' }));
      return;
    }
    if (typeof id !== 'string' || id === '') {
      await reply.redirect('/console/verify', 302);
      return;
    }
    const parsed = parseCertificateIdentifier(id);
    if (!parsed.ok) {
      await reply.status(400).send(verificationPage({ state: 'malformed', problem: parsed.reason }));
      return;
    }
    const page = await this.links.registryPage(id, principal, request);
    await reply.status(page ? 200 : 404).send(verificationPage(page ?? { state: 'unknown' }));
  }
}
