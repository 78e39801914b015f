import { Injectable } from '@nestjs/common';
import { actorFor, type LedgerActor, requestFieldsOf } from '../ledger/ledger-entry.js';
import { LedgerService } from '../ledger/ledger.service.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import type { Principal } from '../identity/principal.js';
import { CertificateCatalog } from './certificate-catalog.js';
import { STATUS_PURPOSES, type StatusPurpose } from './credential/status-list.js';
import type { KeyBindingExpectation } from './credential/key-binding.js';
import { verifyCredential, type VerificationResult } from './credential/verify-credential.js';
import { IssuingKeysService } from './issuing-keys.service.js';
import { StatusListsService } from './status-lists.service.js';

const OWN_LIST = /^\/status-lists\/([A-Z][A-Z_]{1,63})\/([1-9][0-9]{0,8})(?:\/([a-z]+))?$/;

/** Longest expected audience or nonce a verifier may pass (a URL or a random value). */
export const MAX_KEY_BINDING_FIELD = 1024;

/**
 * Online verification: the same verifier as the offline CLI, with this gateway's trust anchors,
 * its certificate types and its own status lists read in-process. Every verification is a ledger
 * entry (who asked, which certificate, the verdicts), written before the answer is returned.
 */
@Injectable()
export class CertificateVerificationService {
  constructor(
    private readonly keys: IssuingKeysService,
    private readonly catalog: CertificateCatalog,
    private readonly statusLists: StatusListsService,
    private readonly ledger: LedgerService,
    private readonly config: AppConfig,
  ) {}

  /** `keyBinding`: the audience and nonce a holder-bound presentation's key-binding JWT must be for. */
  async verify(
    credential: unknown,
    principal: Principal | undefined,
    request: RequestContext,
    keyBinding?: KeyBindingExpectation,
  ): Promise<VerificationResult> {
    const result = await this.check(credential, new Date(), keyBinding);
    const actor: LedgerActor = principal ? actorFor(principal) : { kind: 'public', id: 'anonymous', hall: null, region: null, department: null };
    await this.ledger.record({
      kind: 'CERTIFICATE_VERIFY',
      actor,
      subject: result.identifier ? { kind: 'CERTIFICATE', id: result.identifier } : null,
      outcome: result.valid ? 'GRANTED' : 'DENIED',
      departments: result.issuer.department ? [result.issuer.department] : [],
      ...requestFieldsOf(request),
      detail: {
        format: result.format,
        certificateType: result.certificateType,
        integrity: result.integrity.reason,
        status: result.status.state,
        issuer: result.issuer.reason,
      },
    });
    return result;
  }

  /** The verdicts, without a ledger entry (for callers that record their own). */
  check(credential: unknown, now = new Date(), keyBinding?: KeyBindingExpectation): Promise<VerificationResult> {
    return verifyCredential(credential, {
      anchors: this.keys.trustMaterial.anchors,
      types: this.catalog.issuers,
      now,
      statusList: (url) => this.ownStatusList(url),
      ...(keyBinding ? { keyBinding } : {}),
    });
  }

  /** A list this gateway publishes, read in-process; lists of other hosts are not fetched (no outbound calls on a verifier's say-so). */
  private async ownStatusList(url: string): Promise<string | null> {
    const base = this.config.publicBaseUrl;
    if (!url.startsWith(`${base}/`)) return null;
    const match = OWN_LIST.exec(url.slice(base.length));
    if (!match) return null;
    const [, department, list, purpose] = match as unknown as [string, string, string, string | undefined];
    if (purpose === undefined) return (await this.statusLists.publishToken(department, Number(list)))?.jwt ?? null;
    if (!(STATUS_PURPOSES as readonly string[]).includes(purpose)) return null;
    return (await this.statusLists.publish(department, Number(list), purpose as StatusPurpose))?.jwt ?? null;
  }
}
