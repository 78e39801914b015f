/*
 * Rows of the department source tables (migrations/1795300000100-DepartmentSources.ts), as the
 * demo data and the synthetic generator produce them and the loader copies them. Field names are
 * the column names in camelCase; dates are ISO `YYYY-MM-DD` strings.
 */

export type Sex = 'M' | 'F';
export type IdCardStatus = 'ACTIVE' | 'CANCELLED_DECEASED' | 'CANCELLED_EMIGRATED';
export type HouseholdType = 'FAMILY' | 'COLLECTIVE';
export type RelationToHead =
  'HEAD' | 'SPOUSE' | 'SON' | 'DAUGHTER' | 'FATHER' | 'MOTHER' | 'GRANDSON' | 'GRANDDAUGHTER' | 'SIBLING' | 'OTHER_RELATIVE' | 'COLLECTIVE_MEMBER';
export type HouseholdMemberStatus = 'ACTIVE' | 'MOVED_OUT' | 'CANCELLED_DECEASED';
export type MaritalStatus = 'MARRIED' | 'DIVORCED' | 'WIDOWED';
export type PropertyUse = 'RESIDENTIAL' | 'COMMERCIAL' | 'OFFICE' | 'INDUSTRIAL' | 'RURAL_HOMESTEAD';
export type PropertyShare = 'SOLE' | 'JOINT' | 'IN_COMMON';
export type InsuranceStatus = 'CONTRIBUTING' | 'RETIREMENT_PENDING' | 'RETIRED' | 'RESIDENT_MEDICAL' | 'SEALED_DECEASED' | 'SUSPENDED';
export type EnterpriseStatus = 'OPERATING' | 'DEREGISTERED' | 'REVOKED';
export type LicenceType = 'FOOD_DISTRIBUTION' | 'FOOD_SERVICE' | 'PHARMACEUTICAL_RETAIL' | 'MEDICAL_DEVICE_RETAIL';
export type LicenceFormat =
  | 'STANDARD_SUPERMARKET'
  | 'CONVENIENCE_STORE'
  | 'FOOD_STORE'
  | 'RESTAURANT'
  | 'CANTEEN'
  | 'TAKEAWAY'
  | 'PHARMACY'
  | 'PHARMACY_CHAIN_STORE'
  | 'MEDICAL_DEVICE_STORE';

// dept_public_security
export interface ResidentRow {
  idNumber: string;
  name: string;
  sex: Sex;
  birthDate: string;
  regionCode: string;
  idCardStatus: IdCardStatus;
  registeredOn: string;
  /** The parents' ID numbers as the register records them; null when not recorded. */
  fatherIdNumber: string | null;
  motherIdNumber: string | null;
}
export interface HouseholdRow {
  householdNumber: string;
  householdType: HouseholdType;
  address: string;
  regionCode: string;
}
export interface HouseholdMemberRow {
  householdNumber: string;
  idNumber: string;
  relationToHead: RelationToHead;
  status: HouseholdMemberStatus;
  joinedOn: string;
  leftOn: string | null;
}

// dept_civil_affairs
export interface MarriageRegistrationRow {
  certificateNumber: string;
  registeredOn: string;
  office: string;
}
export interface MaritalStatusRow {
  idNumber: string;
  status: MaritalStatus;
  spouseIdNumber: string | null;
  certificateNumber: string;
}

// dept_natural_resources
export interface PropertyRow {
  certificateNumber: string;
  address: string;
  /** Two decimals at most. */
  areaSqm: number;
  use: PropertyUse;
  share: PropertyShare;
  registeredOn: string;
}
export interface PropertyOwnerRow {
  certificateNumber: string;
  idNumber: string;
}

// dept_human_resources
export interface InsuranceAccountRow {
  accountNumber: string;
  idNumber: string;
  status: InsuranceStatus;
  contributionMonths: number;
  employer: string | null;
  openedOn: string;
}

// dept_health
export interface BirthCertificateRow {
  medicalCertificateNumber: string;
  childIdNumber: string | null;
  childName: string;
  sex: Sex;
  birthDate: string;
  hospital: string;
  motherIdNumber: string;
  fatherIdNumber: string | null;
}
export interface DeathCertificateRow {
  medicalCertificateNumber: string;
  idNumber: string;
  dateOfDeath: string;
  place: string;
}

// dept_market_regulation
export interface EnterpriseRow {
  creditCode: string;
  name: string;
  legalRepresentativeIdNumber: string;
  registeredOn: string;
  status: EnterpriseStatus;
  address: string;
}
export interface LicenceRow {
  licenceNumber: string;
  creditCode: string;
  type: LicenceType;
  format: LicenceFormat;
  validUntil: string;
}

/** A batch of rows for every department table; a batch never splits a household or an enterprise. */
export interface DepartmentRows {
  resident: ResidentRow[];
  household: HouseholdRow[];
  householdMember: HouseholdMemberRow[];
  marriageRegistration: MarriageRegistrationRow[];
  maritalStatus: MaritalStatusRow[];
  property: PropertyRow[];
  propertyOwner: PropertyOwnerRow[];
  insuranceAccount: InsuranceAccountRow[];
  birthCertificate: BirthCertificateRow[];
  deathCertificate: DeathCertificateRow[];
  enterprise: EnterpriseRow[];
  licence: LicenceRow[];
}

export type DepartmentTable = keyof DepartmentRows;

export function emptyDepartmentRows(): DepartmentRows {
  return {
    resident: [],
    household: [],
    householdMember: [],
    marriageRegistration: [],
    maritalStatus: [],
    property: [],
    propertyOwner: [],
    insuranceAccount: [],
    birthCertificate: [],
    deathCertificate: [],
    enterprise: [],
    licence: [],
  };
}
