import type { GqlError } from './api.js';
import { currentLang, tf } from './i18n.js';

/*
 * The case at the clerk's window as the gateway answers it (the Case type of the GraphQL schema), and
 * the helpers the window and its sheets share to name roles, matters and parties.
 */

/** A party role of a matter handled as a case (Matter.parties). */
export interface RoleDef {
  role: string;
  name: string;
  nameZh: string | null;
  kind: string;
  required: boolean;
  multiple: boolean;
  dataItems: string[];
  relation: { type: string; to: string; side: string | null } | null;
  consent: { kind: string; byRoles: string[] };
}

export interface CaseMatter {
  code: string;
  name: string;
  nameZh: string | null;
  roles: string[];
  parties: RoleDef[];
}

export interface CasePartyData {
  role: string;
  roleName: string;
  roleNameZh: string | null;
  subject: boolean;
  idNumber: string | null;
  creditCode: string | null;
  relation: { type: string; to: string; status: string } | null;
  consent: { status: string; grantId: string | null; byRole: string | null; expiresAt: string | null };
}

export interface CaseMaterialLine {
  code: string;
  name: string;
  nameZh: string | null;
  role: string;
  idNumber: string | null;
  creditCode: string | null;
  satisfied: 'BY_DATA' | 'BY_CERTIFICATE' | 'TO_BRING' | 'NOT_CHECKED';
  dataItems: string[];
  certificates: string[];
}

export interface CaseData {
  id: string;
  caseNumber: string;
  status: 'OPEN' | 'CLOSED';
  hall: string;
  hallName: string | null;
  hallNameZh: string | null;
  createdAt: string;
  closedAt: string | null;
  matter: CaseMatter;
  parties: CasePartyData[];
  suggestedParties: Array<{ role: string; idNumber: string | null; creditCode: string | null; fromRole: string; reason: string; reasonZh: string }>;
  missingRoles: string[];
  materials: CaseMaterialLine[];
}

/** One party's records as read under the case: still loading, read, or not read (and why). */
export interface PartyRead {
  state: 'loading' | 'done' | 'skipped';
  view: Record<string, unknown> | null;
  /** Item refusals and failures, by the view's field. */
  itemErrors: Map<string, GqlError>;
  /** A refusal or failure of the whole read. */
  error: GqlError | null;
}

/** A role's name in the console's language. */
export function roleLabel(role: Pick<RoleDef, 'name' | 'nameZh' | 'role'> | undefined, fallback = ''): string {
  if (!role) return fallback;
  return (currentLang() === 'zh' && role.nameZh) || role.name || role.role;
}

export function matterLabel(matter: Pick<CaseMatter, 'name' | 'nameZh'>): string {
  return (currentLang() === 'zh' && matter.nameZh) || matter.name;
}

export function roleOf(data: CaseData, role: string | undefined): RoleDef | undefined {
  return data.matter.parties.find((r) => r.role === role);
}

/** The name the party's records give (a person's identity, an enterprise's registration); null when not read. */
export function partyName(read: PartyRead | undefined): string | null {
  const view = read?.view;
  const person = view?.person as { name?: string } | null | undefined;
  const registration = view?.registration as { name?: string } | null | undefined;
  return person?.name ?? registration?.name ?? null;
}

/** Who a material line is about: the party (role and name) or the role still without a party. */
export function materialParty(data: CaseData, reads: PartyRead[], line: CaseMaterialLine): string {
  const role = roleOf(data, line.role);
  const index = data.parties.findIndex((p) => p.role === line.role && (p.idNumber ?? p.creditCode) === (line.idNumber ?? line.creditCode));
  if (index < 0) return tf('notInCaseYet', { role: roleLabel(role, line.role) });
  const party = data.parties[index]!;
  return `${roleLabel(role, line.role)} ${partyName(reads[index]) ?? party.idNumber ?? party.creditCode ?? ''}`;
}
