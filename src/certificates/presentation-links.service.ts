import { Injectable } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { randomBytes } from 'node:crypto';
import { qrSvg } from '../common/qr-svg.js';
import { DEPARTMENT_NAMES_ZH, isDepartmentCode } from '../common/departments.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import type { CitizenPrincipal } from '../identity/principal.js';
import { CertificateCatalog } from './certificate-catalog.js';
import { CertificateVerificationService } from './certificate-verification.service.js';
import { CertificateError } from './certificates.errors.js';
import { CertificateRegistry } from './certificate-registry.service.js';
import { CertificateRepository, type RegisteredCertificate } from './certificate.repository.js';
import { PresentationLinkRepository } from './presentation-link.repository.js';
import { maskIdentifier, maskName } from './holder-mask.js';
import type { VerifiedCertificatePage } from './verification-page.js';
import type { PresentationLink } from './models/presentation-link.model.js';
import type { Principal } from '../identity/principal.js';

/** A presentation link's reference: 128 random bits, base64url. */
const REF = /^[A-Za-z0-9_-]{22}$/;

/**
 * The public verification page's two sources: the registry (`/verify?id=`: verdict, status, issuer,
 * type and a masked holder, never the claims) and the holder's presentation links (`/verify?p=`:
 * the same, plus exactly the claims the holder ticked, verified). A presentation is several
 * kilobytes (the issuer's key chain travels with it), too long for a QR code a phone reads well, so
 * the holder's QR code carries a short random reference to it, valid for PRESENTATION_LINK_TTL_SECONDS.
 */
@Injectable()
export class PresentationLinksService {
  constructor(
    private readonly links: PresentationLinkRepository,
    private readonly registry: CertificateRegistry,
    private readonly certificates: CertificateRepository,
    private readonly verification: CertificateVerificationService,
    private readonly catalog: CertificateCatalog,
    private readonly config: AppConfig,
  ) {}

  /**
   * The holder makes a presentation of the claims they chose and gets a link and QR code to it.
   * The presentation is made (and its reading recorded) as certificatePresentation makes it; only the
   * certificate's holder may (someone else's certificate: NOT_FOUND), and not for a holder-bound
   * certificate (HOLDER_BOUND: it is presented from the wallet with a key-binding JWT).
   */
  async create(holder: CitizenPrincipal, request: RequestContext, id: string, disclose: readonly string[], now = new Date()): Promise<PresentationLink> {
    const { row, presentation } = await this.registry.presentationWithRow(holder, request, id, disclose);
    if (row.holderKey !== null) {
      // Its presentations prove possession of the holder's key (a key-binding JWT), which this
      // gateway does not have: a link to a presentation without one would only ever show "not valid".
      throw CertificateError.conflict(
        'HOLDER_BOUND',
        "this certificate is bound to the key of the holder's wallet: present it from the wallet (an SD-JWT with a key-binding JWT for the verifier), not through a link",
      );
    }
    const ref = randomBytes(16).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.config.PRESENTATION_LINK_TTL_SECONDS * 1000);
    await this.links.create({ ref, certificateId: id.toLowerCase(), presentation, createdAt: now, expiresAt }, now);
    const url = `${this.config.publicBaseUrl}/verify?p=${ref}`;
    return { url, expiresAt, qrSvg: await qrSvg(url), disclosed: [...new Set(disclose)] };
  }

  /** The registry page of a certificate (`/verify?id=`): verified, recorded, claims withheld. */
  async registryPage(identifier: string, principal: Principal | undefined, request: RequestContext): Promise<VerifiedCertificatePage | null> {
    const row = await this.registry.byIdentifier(identifier);
    if (!row) return null;
    const result = await this.verification.verify(row.credential, principal, request);
    return this.page(row, { ...result, claims: {} }, null);
  }

  /** A presentation link's page (`/verify?p=`): the presentation verified and recorded; its disclosed claims only. Null: unknown or expired. */
  async presentationPage(ref: string, principal: Principal | undefined, request: RequestContext, now = new Date()): Promise<VerifiedCertificatePage | null> {
    if (!REF.test(ref)) return null;
    const link = await this.links.findByRef(ref);
    if (!link || link.expiresAt <= now) return null;
    const row = await this.certificates.findById(link.certificateId);
    if (!row) return null;
    const result = await this.verification.verify(link.presentation, principal, request);
    // A presentation of another certificate than the link's would be a bug; show nothing of it.
    if (result.identifier !== null && result.identifier !== row.identifier) return this.page(row, { ...result, valid: false, claims: {} }, {});
    return this.page(row, { ...result, claims: {} }, result.claims);
  }

  private page(row: RegisteredCertificate, result: VerifiedCertificatePage['result'], disclosed: Record<string, unknown> | null): VerifiedCertificatePage {
    const type = this.catalog.type(row.type);
    const issuer = isDepartmentCode(row.issuer) ? { zh: DEPARTMENT_NAMES_ZH[row.issuer], en: this.catalog.department(row.issuer).name } : null;
    return {
      state: 'verified',
      result,
      type: type ? { zh: type.nameZh ?? type.name, en: type.name } : null,
      issuer,
      holder: { name: holderName(row), id: maskIdentifier(row.holder) },
      disclosed,
    };
  }
}

/** The holder's name from the registered credential (ours, signed when issued), masked. */
function holderName(row: RegisteredCertificate): string | null {
  try {
    const subject = decodeJwt(row.credential)['credentialSubject'] as Record<string, unknown> | undefined;
    const name = subject?.[row.holderKind === 'PERSON' ? 'name' : 'enterpriseName'];
    return typeof name === 'string' && name.length > 0 ? maskName(name) : null;
  } catch {
    return null;
  }
}
