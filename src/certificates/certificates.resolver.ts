import { UsePipes } from '@nestjs/common';
import { Args, Context, Extensions, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { inputValidationPipe } from '../common/graphql/input-validation.pipe.js';
import { isDepartmentCode } from '../common/departments.js';
import { CurrentRequest, type RequestContext } from '../common/request/request-context.js';
import { purposeOf } from '../exchange/dto/purpose.input.js';
import { CurrentPrincipal } from '../identity/current-principal.decorator.js';
import type { Principal } from '../identity/principal.js';
import { Public } from '../identity/public.decorator.js';
import { PublicRateLimit } from '../identity/public-rate-limit.guard.js';
import { Roles } from '../identity/roles.decorator.js';
import { parseCertificateIdentifier } from './certificate-identifier.js';
import { CertificatePresenter, type CertificateWithRow } from './certificate-presenter.js';
import { CertificateVerificationService, MAX_KEY_BINDING_FIELD } from './certificate-verification.service.js';
import { CertificateError } from './certificates.errors.js';
import { CertificateIssuance } from './certificate-issuance.service.js';
import { CERTIFICATES_LIMIT, CertificateRegistry } from './certificate-registry.service.js';
import { CertificateArgs, CertificatesArgs } from './dto/certificate.args.js';
import { IssueCertificateInput } from './dto/issue-certificate.input.js';
import { IssuingKeysService } from './issuing-keys.service.js';
import { Certificate } from './models/certificate.model.js';
import { IssuingKey } from './models/issuing-key.model.js';
import { CertificateVerification } from './models/verification.model.js';
import { PresentationLink } from './models/presentation-link.model.js';
import { PresentationLinksService } from './presentation-links.service.js';
import type { CitizenPrincipal } from '../identity/principal.js';

@Resolver(() => Certificate)
@UsePipes(inputValidationPipe())
export class CertificatesResolver {
  constructor(
    private readonly issuance: CertificateIssuance,
    private readonly registry: CertificateRegistry,
    private readonly verification: CertificateVerificationService,
    private readonly keys: IssuingKeysService,
    private readonly presenter: CertificatePresenter,
    private readonly links: PresentationLinksService,
  ) {}

  @Roles('citizen')
  @Mutation(() => PresentationLink, {
    description:
      'Makes an SD-JWT presentation of my certificate disclosing only the named claims and a short-lived link to it (/verify?p=…) with its QR code, ' +
      'for showing to someone who scans it: the public page shows the verdict and exactly those claims. Holders only; recorded like certificatePresentation.',
  })
  createPresentationLink(
    @Args('id', { type: () => ID }) id: string,
    @Args('disclose', { type: () => [String] }) disclose: string[],
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
  ): Promise<PresentationLink> {
    return this.links.create(principal as CitizenPrincipal, request, id, disclose);
  }

  @Roles('department', 'clerk')
  @Mutation(() => Certificate, {
    description:
      "Issues a certificate: the claims are read from the departments' records through the exchange (audited; no certificate when a department " +
      "cannot answer), signed by the issuing department's key as a VC 2.0 JWT and an SD-JWT VC, and registered. The same idempotencyKey returns the same certificate.",
  })
  async issueCertificate(
    @Args('input') input: IssueCertificateInput,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
    @Context() scope: object,
  ): Promise<Certificate> {
    const row = await this.issuance.issue(principal, request, scope, {
      type: input.type,
      holder: input.holder,
      idempotencyKey: input.idempotencyKey,
      purpose: purposeOf(input.purpose),
      replaces: input.replaces ?? null,
      holderKey: input.holderKey ?? null,
    });
    return this.presenter.toModel(row);
  }

  @Roles('citizen', 'department', 'clerk')
  @Query(() => Certificate, {
    description:
      'One certificate: its holder, its issuing department, or a clerk whose matter accepts the type (purpose required, with consent where the matter needs it). Recorded in the ledger.',
  })
  async certificate(
    @Args() { id, purpose }: CertificateArgs,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
  ): Promise<Certificate> {
    return this.presenter.toModel(await this.registry.find(principal, request, id, purposeOf(purpose)));
  }

  @Roles('citizen', 'department', 'clerk')
  @Extensions({ listSize: CERTIFICATES_LIMIT })
  @Query(() => [Certificate], {
    description: `A holder's certificates, newest first (at most ${CERTIFICATES_LIMIT}), as far as the caller may see them: a citizen their own, a department those it issued, a clerk those of types the stated matter accepts.`,
  })
  async certificates(
    @Args() { holder, purpose }: CertificatesArgs,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
  ): Promise<Certificate[]> {
    const rows = await this.registry.listFor(principal, request, holder, purposeOf(purpose));
    return rows.map((row) => this.presenter.toModel(row));
  }

  @Roles('citizen', 'department')
  // Query cost: signed for each alias.
  @Extensions({ cost: 20 })
  @Query(() => String, {
    description:
      'An SD-JWT presentation of a certificate disclosing only the named claims (e.g. ["registeredOn", "maritalStatus"]); for the holder or the issuing department. ' +
      'For a holder-bound certificate (issued with holderKey: its SD-JWT has cnf) the answer ends in "~" without a key-binding JWT: the holder\'s wallet appends one ' +
      '(typ kb+jwt, signed by the holder key over aud, nonce, iat and sd_hash of this string) for the verifier; until then verifiers refuse it (KEY_BINDING_MISSING).',
  })
  certificatePresentation(
    @Args('id', { type: () => ID }) id: string,
    @Args('disclose', { type: () => [String] }) disclose: string[],
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
  ): Promise<string> {
    return this.registry.presentation(principal, request, id, disclose);
  }

  @Roles('department')
  @Mutation(() => Certificate, {
    description: 'Revokes a certificate for good (issuing department only); its status list shows it at once. Recorded in the ledger.',
  })
  async revokeCertificate(
    @Args('id', { type: () => ID }) id: string,
    @Args('reason') reason: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
  ): Promise<Certificate> {
    return this.presenter.toModel(await this.registry.changeStatus(principal, request, id, 'revoke', reason));
  }

  @Roles('department')
  @Mutation(() => Certificate, { description: 'Suspends a valid certificate until it is reinstated (issuing department only). Recorded in the ledger.' })
  async suspendCertificate(
    @Args('id', { type: () => ID }) id: string,
    @Args('reason') reason: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
  ): Promise<Certificate> {
    return this.presenter.toModel(await this.registry.changeStatus(principal, request, id, 'suspend', reason));
  }

  @Roles('department')
  @Mutation(() => Certificate, { description: 'Reinstates a suspended certificate (issuing department only). Recorded in the ledger.' })
  async reinstateCertificate(
    @Args('id', { type: () => ID }) id: string,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
  ): Promise<Certificate> {
    return this.presenter.toModel(await this.registry.changeStatus(principal, request, id, 'reinstate', reason ?? null));
  }

  @Public()
  @PublicRateLimit()
  // Query cost: signatures and a certificate chain checked for each alias.
  @Extensions({ cost: 50 })
  @Query(() => CertificateVerification, {
    description:
      'Verifies a certificate (a vc+jwt, or an SD-JWT VC or presentation) without a token: integrity (signature, chain to the onegate root), ' +
      'status (revoked / suspended / expired) and issuer identity (the signer may issue this type), with the disclosed claims. Recorded in the ledger. ' +
      'A presentation of a holder-bound SD-JWT VC (cnf) must end in a key-binding JWT for the audience and nonce given here (KEY_BINDING_MISSING / KEY_BINDING_INVALID otherwise).',
  })
  verifyCertificate(
    @Args('credential') credential: string,
    @CurrentPrincipal({ optional: true }) principal: Principal | undefined,
    @CurrentRequest() request: RequestContext,
    @Args('audience', { type: () => String, nullable: true, description: "The verifier's identifier a key-binding JWT must name (aud)." })
    audience?: string | null,
    @Args('nonce', { type: () => String, nullable: true, description: 'The nonce the verifier gave the holder for this presentation.' }) nonce?: string | null,
  ): Promise<CertificateVerification> {
    for (const [name, value] of [
      ['audience', audience],
      ['nonce', nonce],
    ] as const) {
      if (value !== undefined && value !== null && (value.length === 0 || value.length > MAX_KEY_BINDING_FIELD)) {
        throw CertificateError.badInput('KEY_BINDING_EXPECTATION_INVALID', `${name} is 1-${MAX_KEY_BINDING_FIELD} characters`);
      }
    }
    return this.verification.verify(credential, principal, request, { audience: audience ?? null, nonce: nonce ?? null });
  }

  @Public()
  @PublicRateLimit()
  // Query cost: as verifyCertificate, and a registry lookup.
  @Extensions({ cost: 50 })
  @Query(() => CertificateVerification, {
    description:
      "Verifies the registered certificate with this GB/T 36904 identifier (e.g. read off a paper copy) without a token, as its QR code's page does: " +
      "the three verdicts, never its claims (claims is empty). Identifiers of the national form and onegate's legacy form are both accepted. " +
      'A malformed identifier is BAD_USER_INPUT with reason IDENTIFIER_MALFORMED (wrong shape) or IDENTIFIER_CHECK_CHARACTER (the check character does not match); ' +
      'a well-formed identifier not registered here is NOT_FOUND. Recorded in the ledger.',
  })
  async verifyCertificateIdentifier(
    @Args('identifier') identifier: string,
    @CurrentPrincipal({ optional: true }) principal: Principal | undefined,
    @CurrentRequest() request: RequestContext,
  ): Promise<CertificateVerification> {
    const parsed = parseCertificateIdentifier(identifier);
    if (!parsed.ok)
      throw CertificateError.badInput(parsed.reason === 'CHECK_CHARACTER' ? 'IDENTIFIER_CHECK_CHARACTER' : 'IDENTIFIER_MALFORMED', parsed.message);
    const page = await this.links.registryPage(parsed.value, principal, request);
    if (!page) throw CertificateError.notFound();
    return page.result;
  }

  @Roles('admin')
  @Mutation(() => IssuingKey, {
    description:
      "Retires a department's active issuing key and certifies a new one; the old key keeps verifying until its certificate expires. Recorded in the ledger.",
  })
  async rotateIssuingKey(
    @Args('department') department: string,
    @CurrentPrincipal() principal: Principal,
    @CurrentRequest() request: RequestContext,
  ): Promise<IssuingKey> {
    if (!isDepartmentCode(department)) throw CertificateError.badInput('DEPARTMENT_UNKNOWN', 'department must be a department code, e.g. CIVIL_AFFAIRS');
    return this.keys.rotate(principal, request, department);
  }

  @Roles('admin', 'auditor')
  @Query(() => [IssuingKey], { description: 'Department issuing keys whose certificates have not expired (public parts only).' })
  async issuingKeys(): Promise<IssuingKey[]> {
    return (await this.keys.currentKeys()).map((row) => this.keys.info(row));
  }

  @ResolveField(() => String)
  qrSvg(@Parent() certificate: CertificateWithRow): Promise<string> {
    return this.registry.qrSvg(certificate.row);
  }
}
