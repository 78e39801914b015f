import { isDecidingDepartment, type DecidingDepartment } from '../common/departments.js';
import { parseIdNumber } from '../common/identifiers/id-number.js';
import { isHallCode, isRegionCode } from './halls.js';
import { IdentityError } from './identity.errors.js';

export const PRINCIPAL_KINDS = ['clerk', 'department', 'auditor', 'admin', 'citizen'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

export function isPrincipalKind(value: unknown): value is PrincipalKind {
  return typeof value === 'string' && (PRINCIPAL_KINDS as readonly string[]).includes(value);
}

interface PrincipalBase {
  /** The token's `sub`. */
  readonly id: string;
  /** When the token this principal came from expires; caches keyed on the principal must not outlive it. */
  readonly tokenExpiresAt: Date;
}

/** A service-hall clerk acting for citizens at a counter. */
export interface ClerkPrincipal extends PrincipalBase {
  readonly kind: 'clerk';
  readonly hall: string;
  /** 6-digit administrative division code of the hall. */
  readonly region: string;
}

/**
 * A department's system: reading or publishing that department's records, and working its inbox of
 * department tasks. `department` may be an agency that decides tasks but holds no records (healthcare
 * security, the utilities): whatever reads records narrows it to a DepartmentCode first
 * (isDepartmentCode), and the access decision refuses an agency (AGENCY_HOLDS_NO_RECORDS).
 */
export interface DepartmentPrincipal extends PrincipalBase {
  readonly kind: 'department';
  readonly department: DecidingDepartment;
}

export interface AuditorPrincipal extends PrincipalBase {
  readonly kind: 'auditor';
}

export interface AdminPrincipal extends PrincipalBase {
  readonly kind: 'admin';
}

/** A citizen acting for themself; `id` is their normalised ID number. */
export interface CitizenPrincipal extends PrincipalBase {
  readonly kind: 'citizen';
}

export type Principal = ClerkPrincipal | DepartmentPrincipal | AuditorPrincipal | AdminPrincipal | CitizenPrincipal;

/** The claims onegate reads from an access token, beside the registered ones. */
export interface PrincipalClaims {
  sub?: unknown;
  role?: unknown;
  hall?: unknown;
  region?: unknown;
  department?: unknown;
  exp?: unknown;
}

const SUBJECT_MAX_LENGTH = 256;

function invalidClaims(message: string): IdentityError {
  return IdentityError.unauthenticated('TOKEN_CLAIMS_INVALID', message);
}

/**
 * Builds the principal from a verified token's claims, or throws IdentityError UNAUTHENTICATED.
 * Messages name the claim at fault, never its value (a citizen's `sub` is personal data).
 */
export function principalFromClaims(claims: PrincipalClaims, now: Date = new Date()): Principal {
  const { sub, role, exp } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw invalidClaims('token has no valid exp claim');
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > SUBJECT_MAX_LENGTH || /[\u0000-\u001f\u007f]/.test(sub)) {
    throw invalidClaims('token has no valid sub claim');
  }
  if (!isPrincipalKind(role)) throw invalidClaims('token has no valid role claim');
  const tokenExpiresAt = new Date(exp * 1000);

  let principal: Principal;
  switch (role) {
    case 'clerk': {
      if (!isHallCode(claims.hall)) throw invalidClaims('clerk token has no valid hall claim');
      if (!isRegionCode(claims.region)) {
        throw invalidClaims('clerk token has no valid region claim (a 6-digit administrative division code)');
      }
      principal = { kind: 'clerk', id: sub, hall: claims.hall, region: claims.region, tokenExpiresAt };
      break;
    }
    case 'department': {
      if (!isDecidingDepartment(claims.department)) throw invalidClaims('department token has no valid department claim');
      principal = { kind: 'department', id: sub, department: claims.department, tokenExpiresAt };
      break;
    }
    case 'citizen': {
      const idNumber = parseIdNumber(sub, now);
      if (!idNumber.ok) throw invalidClaims('citizen token sub is not a valid ID number');
      principal = { kind: 'citizen', id: idNumber.value, tokenExpiresAt };
      break;
    }
    case 'auditor':
    case 'admin':
      principal = { kind: role, id: sub, tokenExpiresAt };
      break;
  }
  // Principals are shared through the verification cache, so nobody may change one in place.
  return Object.freeze(principal);
}
