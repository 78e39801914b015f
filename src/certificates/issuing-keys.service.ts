import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { exportJWK, type JWK } from 'jose';
import type { Logger } from '../logging/logger.js';
import { actorFor, type LedgerActor, requestFieldsOf } from '../ledger/ledger-entry.js';
import { LedgerService } from '../ledger/ledger.service.js';
import type { DepartmentCode } from '../common/departments.js';
import type { RequestContext } from '../common/request/request-context.js';
import { AppConfig } from '../config/app-config.js';
import type { Principal } from '../identity/principal.js';
import { LOGGER } from '../logging/logging.module.js';
import { CertificateCatalog } from './certificate-catalog.js';
import { CertificateError } from './certificates.errors.js';
import type { SigningKey } from './credential/credential-model.js';
import { kidOf } from './credential/vc-jwt.js';
import { IssuingKeyRepository, type IssuingKeyRow } from './issuing-key.repository.js';
import { generateSigningKeyPair, issueDepartmentCertificate } from './trust/certificate-authority.js';
import { verifyChain } from './trust/chain.js';
import { openPrivateKey, sealPrivateKey } from './trust/key-sealing.js';
import { loadTrustMaterial, type TrustMaterial } from './trust/trust-material.js';
import { derToPem } from './trust/x509.js';

const DAY_MS = 86_400_000;
/** A key whose certificate has less left than this is replaced at start-up. */
const RENEW_BEFORE_DAYS = 30;
/** How long an instance keeps a department's active key before reading it again (another instance may have rotated it). */
const ACTIVE_KEY_CACHE_MS = 60_000;

/** A department key ready to sign, with its certificate's validity. */
export interface DepartmentSigningKey extends SigningKey {
  department: DepartmentCode;
  publicKey: KeyObject;
  notAfter: Date;
}

export interface IssuingKeyInfo {
  kid: string;
  department: string;
  state: 'ACTIVE' | 'RETIRED';
  notBefore: Date;
  notAfter: Date;
  createdAt: Date;
  retiredAt: Date | null;
  certificatePem: string;
}

/**
 * Department issuing keys: each department gets an ES256 key certified by the onegate root on
 * first start; a rotation retires the active key (it keeps verifying until its certificate
 * expires) and certifies a new one. Private keys are opened only in memory, from their sealed form.
 */
@Injectable()
export class IssuingKeysService implements OnModuleInit, OnApplicationBootstrap {
  private trust!: TrustMaterial;
  private readonly active = new Map<DepartmentCode, { key: DepartmentSigningKey; readAt: number }>();

  constructor(
    private readonly issuingKeys: IssuingKeyRepository,
    private readonly ledger: LedgerService,
    private readonly catalog: CertificateCatalog,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    // A missing or wrong master key, root certificate or root key stops start-up here.
    this.trust = loadTrustMaterial(this.config);
  }

  /** Every department that issues a certificate type has an active key whose certificate chains to the current root. */
  async onApplicationBootstrap(): Promise<void> {
    const issuers = [...new Set(this.catalog.types.map((t) => t.issuer))].sort();
    for (const department of issuers) {
      const current = await this.issuingKeys.findActive(department);
      if (current && this.usable(current)) continue;
      await this.rotateAs(
        { kind: 'system', id: 'onegate', hall: null, region: null, department: null },
        null,
        department,
        current ? 'renewal' : 'provisioning',
      );
    }
  }

  get trustMaterial(): TrustMaterial {
    return this.trust;
  }

  /** The department's active key, to sign with. */
  async signingKey(department: DepartmentCode): Promise<DepartmentSigningKey> {
    const cached = this.active.get(department);
    if (cached && Date.now() - cached.readAt < ACTIVE_KEY_CACHE_MS && cached.key.notAfter.getTime() > Date.now()) return cached.key;
    const row = await this.issuingKeys.findActive(department);
    if (!row || !this.usable(row, 0))
      throw CertificateError.unavailable('NO_ISSUING_KEY', `${department} has no valid issuing key; an administrator must rotate it`);
    const key = await this.open(row);
    this.active.set(department, { key, readAt: Date.now() });
    return key;
  }

  /** An administrator retires a department's active key and certifies a new one. */
  async rotate(admin: Principal, request: RequestContext, department: DepartmentCode): Promise<IssuingKeyInfo> {
    if (!this.catalog.departments.has(department)) throw CertificateError.badInput('DEPARTMENT_UNKNOWN', `department ${department} is not in the catalog`);
    return this.rotateAs(actorFor(admin), request, department, 'rotation');
  }

  /** Keys whose certificates have not expired — active and retired — for the JWKS and the key list. */
  async currentKeys(now = new Date()): Promise<IssuingKeyRow[]> {
    return this.issuingKeys.listUnexpired(now);
  }

  /** RFC 7517 JWK Set of the current keys, each with its `x5c` certificate. */
  async jwks(now = new Date()): Promise<{ keys: JWK[] }> {
    const rows = await this.currentKeys(now);
    const keys = await Promise.all(
      rows.map(async (row) => ({
        ...(await exportJWK(new X509Certificate(row.certificate).publicKey)),
        kid: row.kid,
        alg: 'ES256',
        use: 'sig',
        x5c: [row.certificate.toString('base64')],
      })),
    );
    return { keys };
  }

  info(row: IssuingKeyRow): IssuingKeyInfo {
    return {
      kid: row.kid,
      department: row.department,
      state: row.state,
      notBefore: row.notBefore,
      notAfter: row.notAfter,
      createdAt: row.createdAt,
      retiredAt: row.retiredAt,
      certificatePem: derToPem(row.certificate),
    };
  }

  /** Certifies a new key for the department and makes it the active one, in one transaction with its ledger entry. */
  private async rotateAs(actor: LedgerActor, request: RequestContext | null, department: DepartmentCode, reason: string): Promise<IssuingKeyInfo> {
    const info = this.catalog.department(department);
    const now = new Date();
    const notAfter = new Date(Math.min(now.getTime() + this.config.CERT_ISSUING_KEY_VALIDITY_DAYS * DAY_MS, new Date(this.trust.root.x509.validTo).getTime()));
    const pair = generateSigningKeyPair();
    const kid = await kidOf(pair.publicKey);
    const certificate = issueDepartmentCertificate({
      root: { certificate: this.trust.root.certificate, privateKey: this.trust.root.privateKey },
      department: { code: department, name: info.name, creditCode: info.creditCode },
      publicKey: pair.publicKey,
      notBefore: now,
      notAfter,
    });
    const x509 = new X509Certificate(certificate);
    const row: IssuingKeyRow = {
      kid,
      department,
      certificate,
      sealedPrivateKey: sealPrivateKey(pair.privateKey, this.trust.masterKey, kid),
      notBefore: new Date(x509.validFrom),
      notAfter: new Date(x509.validTo),
      state: 'ACTIVE',
      createdAt: now,
      retiredAt: null,
    };
    try {
      await this.issuingKeys.rotate(row, (retiredKid) =>
        this.ledger.record({
          kind: 'ADMIN_CHANGE',
          actor,
          outcome: 'GRANTED',
          ...requestFieldsOf(request),
          departments: [department],
          detail: { action: 'ISSUING_KEY_ROTATE', reason, kid, retiredKid, notAfter: row.notAfter.toISOString() },
        }),
      );
    } catch (error) {
      // Another instance provisioned the department at the same time: its key is as good as ours.
      if (reason === 'provisioning' && isUniqueViolation(error)) return this.info((await this.issuingKeys.findActive(department))!);
      throw error;
    }
    this.active.delete(department);
    this.logger.info({ department, kid, reason }, 'certificate issuing key certified');
    return this.info(row);
  }

  /** Certified by the current root, and valid for a while yet. */
  private usable(row: IssuingKeyRow, marginDays = RENEW_BEFORE_DAYS): boolean {
    const chain = verifyChain([row.certificate.toString('base64')], this.trust.anchors, new Date(Date.now() + marginDays * DAY_MS));
    if (!chain.ok) return false;
    try {
      openPrivateKey(row.sealedPrivateKey, this.trust.masterKey, row.kid);
      return true;
    } catch {
      this.logger.warn({ department: row.department, kid: row.kid }, 'issuing key cannot be opened with the configured master key');
      return false;
    }
  }

  private async open(row: IssuingKeyRow): Promise<DepartmentSigningKey> {
    const privateKey = openPrivateKey(row.sealedPrivateKey, this.trust.masterKey, row.kid);
    return {
      kid: row.kid,
      department: row.department as DepartmentCode,
      privateKey,
      publicKey: createPublicKey(privateKey),
      x5c: [row.certificate.toString('base64')],
      notAfter: row.notAfter,
    };
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
