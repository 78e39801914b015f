import { Injectable } from '@nestjs/common';
import { createHash, randomInt } from 'node:crypto';
import type { DepartmentCode } from '../common/departments.js';
import { AppConfig } from '../config/app-config.js';
import { CertificateCatalog } from './certificate-catalog.js';
import { departmentUrn } from './credential/credential-model.js';
import { Bitstring, encodeList, STATUS_LIST_SIZE, STATUS_PURPOSES, statusListCredential, type StatusPurpose } from './credential/status-list.js';
import { ONEGATE_STATUS_BITS, STATUS_LIST_TOKEN_TYPE, statusListTokenPayload, TOKEN_STATUS, TokenStatusArray } from './credential/token-status-list.js';
import { protectedHeaderFor, signCompact, signVcJwt } from './credential/vc-jwt.js';
import { CertificateRepository } from './certificate.repository.js';
import { IssuingKeysService } from './issuing-keys.service.js';
import { StatusListRepository } from './status-list.repository.js';

/** A list is closed for new certificates once this share of its entries is taken: random picks stay cheap. */
const FILL_LIMIT = 0.5;
/** Allocations between two counts of an open list's entries. */
const COUNT_EVERY = 512;
/** Random picks tried against the known taken entries before one is left to the registry to judge. */
const PICKS = 64;
const CLOCK_SKEW_MS = 60_000;

/** A published status list (credential or token) and its HTTP validators. */
export interface PublishedStatusList {
  jwt: string;
  etag: string;
  /** When this copy stops being served from memory. */
  expiresAt: number;
}

/** One certificate's place in its department's status lists (the same index in the revocation and suspension list). */
export interface StatusSlot {
  list: number;
  index: number;
}

/** A department's open list as this instance knows it: the entries registered when it was read, and those handed out since. */
interface OpenList {
  number: number;
  sinceCount: number;
  taken: Bitstring;
}

/**
 * Status lists: random index allocation for new certificates, and what is published from one list
 * number's certificate states — the W3C `BitstringStatusListCredential`s (one per purpose, for the
 * VC 2.0 `credentialStatus`) and the IETF Token Status List token (one 2-bit list saying VALID,
 * INVALID or SUSPENDED, for the SD-JWT VC `status` claim), at the same index. Each is rebuilt from
 * the registry and kept in memory for STATUS_LIST_CACHE_SECONDS (a change made on this instance
 * drops its copies at once).
 */
@Injectable()
export class StatusListsService {
  private readonly open = new Map<string, Promise<OpenList>>();
  private readonly published = new Map<string, Promise<PublishedStatusList>>();

  constructor(
    private readonly lists: StatusListRepository,
    private readonly certificates: CertificateRepository,
    private readonly keys: IssuingKeysService,
    private readonly catalog: CertificateCatalog,
    private readonly config: AppConfig,
  ) {}

  /** Public URL of a department's list of one purpose. */
  url(issuer: string, list: number, purpose: StatusPurpose): string {
    return `${this.config.publicBaseUrl}/status-lists/${issuer}/${list}/${purpose}`;
  }

  /** Public URL of a department's Token Status List token of one list number (the `status_list.uri`). */
  tokenUrl(issuer: string, list: number): string {
    return `${this.config.publicBaseUrl}/status-lists/${issuer}/${list}`;
  }

  /** The SD-JWT VC `status` claim of a certificate: its slot, as a Token Status List reference. */
  tokenStatus(issuer: string, slot: StatusSlot): { status_list: { idx: number; uri: string } } {
    return { status_list: { idx: slot.index, uri: this.tokenUrl(issuer, slot.list) } };
  }

  /** `credentialStatus` entries of a certificate: one per purpose, same index. */
  credentialStatus(issuer: string, slot: StatusSlot): Array<Record<string, string>> {
    return STATUS_PURPOSES.map((purpose) => {
      const url = this.url(issuer, slot.list, purpose);
      return {
        id: `${url}#${slot.index}`,
        type: 'BitstringStatusListEntry',
        statusPurpose: purpose,
        statusListIndex: String(slot.index),
        statusListCredential: url,
      };
    });
  }

  /**
   * A random slot in the department's open list among those not taken as far as this instance knows
   * (registered when it read the list, or handed out by it since), so that its own issuances do not
   * collide. The registry's unique constraint on (issuer, list, index) is the judge — another
   * instance may have taken the slot meanwhile: on a collision the caller asks again.
   */
  async candidate(issuer: string): Promise<StatusSlot> {
    const open = await this.openList(issuer);
    open.sinceCount++;
    if (open.sinceCount >= COUNT_EVERY) {
      open.sinceCount = 0;
      await this.closeIfFilling(issuer, open.number);
    }
    let index = randomInt(STATUS_LIST_SIZE);
    for (let pick = 1; pick < PICKS && open.taken.get(index); pick++) index = randomInt(STATUS_LIST_SIZE);
    // Handed out: not offered again by this instance, whether or not the certificate is registered.
    open.taken.set(index);
    return { list: open.number, index };
  }

  /** Many collisions in a row: the list is fuller than the count said. */
  async collided(issuer: string, list: number, attempts: number): Promise<void> {
    if (attempts >= 4) await this.closeIfFilling(issuer, list, true);
  }

  /** Drops this instance's copies of a department's lists after a status change. */
  changed(issuer: string, list: number): void {
    for (const purpose of STATUS_PURPOSES) this.published.delete(`${issuer}/${list}/${purpose}`);
    this.published.delete(`${issuer}/${list}/token`);
  }

  /** The signed Bitstring Status List credential of one purpose, or null for a list that does not exist. */
  publish(issuer: string, list: number, purpose: StatusPurpose): Promise<PublishedStatusList | null> {
    return this.cached(issuer, list, purpose, (department) => this.build(department.code, department.name, department.creditCode, list, purpose));
  }

  /** The signed Token Status List token (statuslist+jwt) of a list number, or null for a list that does not exist. */
  publishToken(issuer: string, list: number): Promise<PublishedStatusList | null> {
    return this.cached(issuer, list, 'token', (department) => this.buildToken(department.code, list));
  }

  private async cached(
    issuer: string,
    list: number,
    kind: StatusPurpose | 'token',
    build: (department: { code: DepartmentCode; name: string; creditCode: string }) => Promise<PublishedStatusList>,
  ): Promise<PublishedStatusList | null> {
    const department = this.catalog.departments.get(issuer as DepartmentCode);
    if (!department || !Number.isSafeInteger(list) || list < 1) return null;
    const key = `${issuer}/${list}/${kind}`;
    const cached = this.published.get(key);
    if (cached) {
      const copy = await cached.catch(() => null);
      if (copy && copy.expiresAt > Date.now()) return copy;
      this.published.delete(key);
    }
    const exists = await this.lists.exists(issuer, list);
    if (!exists) return null;
    const building = build(department);
    this.published.set(key, building);
    building.catch(() => this.published.delete(key));
    return building;
  }

  /**
   * The Token Status List token of a list number (draft-ietf-oauth-status-list-17): every entry
   * VALID but those of revoked (INVALID) and suspended certificates. `exp` is the validity of the
   * Bitstring lists; `ttl` is how long this gateway keeps a copy itself, so a consumer that caches
   * for `ttl` sees a change no later than a fresh fetch from here would.
   */
  private async buildToken(issuer: DepartmentCode, list: number): Promise<PublishedStatusList> {
    const entries = await this.certificates.statusListEntries(issuer, list, ['REVOKED', 'SUSPENDED']);
    const statuses = new TokenStatusArray(STATUS_LIST_SIZE, ONEGATE_STATUS_BITS);
    for (const entry of entries) statuses.set(entry.index, entry.state === 'REVOKED' ? TOKEN_STATUS.INVALID : TOKEN_STATUS.SUSPENDED);
    const now = new Date();
    const payload = statusListTokenPayload({
      uri: this.tokenUrl(issuer, list),
      issuer: departmentUrn(issuer),
      issuedAt: now,
      expiresAt: new Date(now.getTime() + this.config.STATUS_LIST_VALIDITY_SECONDS * 1000),
      ttlSeconds: Math.max(1, this.config.STATUS_LIST_CACHE_SECONDS),
      list: statuses,
    });
    const key = await this.keys.signingKey(issuer);
    const jwt = await signCompact(payload, protectedHeaderFor(key, STATUS_LIST_TOKEN_TYPE), key);
    return {
      jwt,
      etag: `"${createHash('sha256').update(jwt).digest('base64url').slice(0, 32)}"`,
      expiresAt: Date.now() + this.config.STATUS_LIST_CACHE_SECONDS * 1000,
    };
  }

  private async build(issuer: DepartmentCode, name: string, creditCode: string, list: number, purpose: StatusPurpose): Promise<PublishedStatusList> {
    const state = purpose === 'revocation' ? 'REVOKED' : 'SUSPENDED';
    const entries = await this.certificates.statusListEntries(issuer, list, [state]);
    const bits = Bitstring.fromIndices(
      STATUS_LIST_SIZE,
      entries.map((entry) => entry.index),
    );
    const now = new Date();
    const url = this.url(issuer, list, purpose);
    const credential = statusListCredential({
      url,
      issuer: { id: departmentUrn(issuer), name, creditCode },
      purpose,
      encodedList: encodeList(bits.bytes),
      // A minute back: verifiers whose clocks run a little behind (or who took "now" just before asking) accept it.
      validFrom: new Date(now.getTime() - CLOCK_SKEW_MS),
      validUntil: new Date(now.getTime() + this.config.STATUS_LIST_VALIDITY_SECONDS * 1000),
    });
    const jwt = await signVcJwt(credential, await this.keys.signingKey(issuer), now);
    return {
      jwt,
      etag: `"${createHash('sha256').update(jwt).digest('base64url').slice(0, 32)}"`,
      expiresAt: Date.now() + this.config.STATUS_LIST_CACHE_SECONDS * 1000,
    };
  }

  private openList(issuer: string): Promise<OpenList> {
    let open = this.open.get(issuer);
    if (!open) {
      const reading = this.readOpenList(issuer);
      this.open.set(issuer, reading);
      // A failed read is not kept: the next issuance tries again.
      reading.catch(() => {
        if (this.open.get(issuer) === reading) this.open.delete(issuer);
      });
      open = reading;
    }
    return open;
  }

  private async readOpenList(issuer: string): Promise<OpenList> {
    const number = await this.lists.openListNumber(issuer, STATUS_LIST_SIZE);
    const entries = await this.certificates.statusListEntries(issuer, number);
    return {
      number,
      sinceCount: 0,
      taken: Bitstring.fromIndices(
        STATUS_LIST_SIZE,
        entries.map((entry) => entry.index),
      ),
    };
  }

  /** Closes the list once FILL_LIMIT of it is taken — or half that, when random picks keep colliding. */
  private async closeIfFilling(issuer: string, list: number, colliding = false): Promise<void> {
    const taken = await this.certificates.countInStatusList(issuer, list);
    if (taken < STATUS_LIST_SIZE * FILL_LIMIT * (colliding ? 0.5 : 1)) return;
    await this.lists.markFull(issuer, list);
    this.open.delete(issuer);
  }
}
