import type {
  EnterpriseStatus,
  HouseholdMemberStatus,
  InsuranceStatus,
  LicenceFormat,
  LicenceType,
  MaritalStatus,
  PropertyShare,
  PropertyUse,
  RelationToHead,
  Sex,
} from './department-rows.js';

/*
 * The fixed demo people and records (a copy of shared/fixtures/demo-citizens.json, kept as project
 * data so the project never reads outside itself). Every seeded database contains them next to the
 * synthetic bulk data. Field names follow the fixture.
 */

export interface DemoHouseholdMembership {
  householdNumber: string;
  address: string;
  relationToHead: RelationToHead;
  /** Absent: ACTIVE. */
  status?: HouseholdMemberStatus;
}

export interface DemoMarriage {
  spouseIdNumber: string | null;
  registeredOn: string;
  office: string;
  certificateNumber: string;
  status: MaritalStatus;
}

export interface DemoProperty {
  certificateNumber: string;
  address: string;
  areaSqm: number;
  use: PropertyUse;
  share: PropertyShare;
  coOwnerIdNumbers: readonly string[];
}

export interface DemoSocialInsurance {
  accountNumber: string;
  status: InsuranceStatus;
  contributionMonths: number;
  employer: string | null;
}

export interface DemoBirth {
  medicalCertificateNumber: string;
  hospital: string;
  motherIdNumber: string;
  fatherIdNumber: string | null;
}

export interface DemoDeath {
  date: string;
  medicalCertificateNumber: string;
  place: string;
}

export interface DemoCitizen {
  idNumber: string;
  name: string;
  sex: Sex;
  birthDate: string;
  /** The parents the household register names (not in the shared fixture); absent: none recorded. */
  fatherIdNumber?: string | null;
  motherIdNumber?: string | null;
  /** The situation this person exists to demonstrate. */
  story: string;
  household: DemoHouseholdMembership;
  marriage?: DemoMarriage;
  properties?: readonly DemoProperty[];
  socialInsurance?: DemoSocialInsurance;
  birth?: DemoBirth;
  death?: DemoDeath;
}

export interface DemoLicence {
  type: LicenceType;
  number: string;
  validUntil: string;
  format: LicenceFormat;
}

export interface DemoEnterprise {
  creditCode: string;
  name: string;
  legalRepresentativeIdNumber: string;
  license: DemoLicence;
  // Not in the shared fixture; the business register needs them.
  address: string;
  registeredOn: string;
  status: EnterpriseStatus;
}

export const DEMO_CITIZENS: readonly DemoCitizen[] = [
  {
    idNumber: '330825198803142023',
    name: 'Li Wei',
    sex: 'F',
    birthDate: '1988-03-14',
    story:
      'Sells a flat in Longyou County; at the real-estate window the clerk pulls her household, marriage and property data instead of asking for three sets of copies, and the water/power/gas transfer reuses the same data.',
    household: {
      householdNumber: '330825-004417',
      address: '12 Rongchang Road, Longyou County, Zhejiang',
      relationToHead: 'HEAD',
    },
    marriage: {
      spouseIdNumber: '330825198611021315',
      registeredOn: '2014-05-20',
      office: 'Longyou County Marriage Registry',
      certificateNumber: 'J330825-2014-001288',
      status: 'MARRIED',
    },
    properties: [
      {
        certificateNumber: 'ZJ(2019)LY-0031552',
        address: 'Unit 3-502, 88 Dongsheng Road, Longyou County',
        areaSqm: 96.4,
        use: 'RESIDENTIAL',
        share: 'JOINT',
        coOwnerIdNumbers: ['330825198611021315'],
      },
    ],
    socialInsurance: {
      accountNumber: 'SI-330825-88031420',
      status: 'CONTRIBUTING',
      contributionMonths: 142,
      employer: 'Hangzhou Lianhe Trading Co.',
    },
  },
  {
    idNumber: '330825198611021315',
    name: 'Zhang Hao',
    sex: 'M',
    birthDate: '1986-11-02',
    story: "Li Wei's husband and co-owner of the flat.",
    household: {
      householdNumber: '330825-004417',
      address: '12 Rongchang Road, Longyou County, Zhejiang',
      relationToHead: 'SPOUSE',
    },
    marriage: {
      spouseIdNumber: '330825198803142023',
      registeredOn: '2014-05-20',
      office: 'Longyou County Marriage Registry',
      certificateNumber: 'J330825-2014-001288',
      status: 'MARRIED',
    },
    properties: [
      {
        certificateNumber: 'ZJ(2019)LY-0031552',
        address: 'Unit 3-502, 88 Dongsheng Road, Longyou County',
        areaSqm: 96.4,
        use: 'RESIDENTIAL',
        share: 'JOINT',
        coOwnerIdNumbers: ['330825198803142023'],
      },
    ],
    socialInsurance: {
      accountNumber: 'SI-330825-86110213',
      status: 'CONTRIBUTING',
      contributionMonths: 167,
      employer: 'Longyou Power Supply Co.',
    },
  },
  {
    idNumber: '330825202609180842',
    name: 'Zhang Xiaoyu',
    sex: 'F',
    birthDate: '2026-09-18',
    fatherIdNumber: '330825198611021315',
    motherIdNumber: '330825198803142023',
    story:
      'Newborn: birth registration, household registration and the social security card should come from one application, with the medical birth certificate pulled from the Health Commission instead of carried.',
    household: {
      householdNumber: '330825-004417',
      address: '12 Rongchang Road, Longyou County, Zhejiang',
      relationToHead: 'DAUGHTER',
    },
    birth: {
      medicalCertificateNumber: 'Q330825-2026-07731',
      hospital: "Longyou County People's Hospital",
      motherIdNumber: '330825198803142023',
      fatherIdNumber: '330825198611021315',
    },
    socialInsurance: {
      accountNumber: 'SI-330825-26091808',
      status: 'RESIDENT_MEDICAL',
      contributionMonths: 0,
      employer: null,
    },
  },
  {
    idNumber: '31010519660520037X',
    name: 'Guan Jianguo',
    sex: 'M',
    birthDate: '1966-05-20',
    story: 'Retires in Changning District, Shanghai; the retirement application needs one form instead of 23 materials because the hall pulls his records.',
    household: {
      householdNumber: '310105-118203',
      address: '401, 17 Lane 520 Huayang Road, Changning District, Shanghai',
      relationToHead: 'HEAD',
    },
    marriage: {
      spouseIdNumber: null,
      registeredOn: '1992-10-01',
      office: 'Changning District Marriage Registry',
      certificateNumber: 'J310105-1992-004410',
      status: 'DIVORCED',
    },
    properties: [],
    socialInsurance: {
      accountNumber: 'SI-310105-66052003',
      status: 'RETIREMENT_PENDING',
      contributionMonths: 402,
      employer: 'Shanghai No. 3 Textile Machinery Works',
    },
  },
  {
    idNumber: '320113199007071462',
    name: 'Wang Fang',
    sex: 'F',
    birthDate: '1990-07-07',
    story:
      'Graduate whose household registration sits in the collective household of the provincial talent service center in Nanjing; moving it used to take four trips to two police stations.',
    household: {
      householdNumber: '320113-COLL-0007',
      address: 'Collective household, Jiangsu Educational Talent Service Center, Qixia District, Nanjing',
      relationToHead: 'COLLECTIVE_MEMBER',
    },
    properties: [],
    socialInsurance: {
      accountNumber: 'SI-320113-90070714',
      status: 'CONTRIBUTING',
      contributionMonths: 61,
      employer: 'Nanjing Xianlin Software Park Services',
    },
  },
  {
    idNumber: '640106195001150197',
    name: 'Shi Yanbin',
    sex: 'M',
    birthDate: '1950-01-15',
    story: 'Elderly villager in Hefeng Village, Yinchuan; the village agency point applies for his senior citizen certificate on his behalf.',
    household: {
      householdNumber: '640106-HF-0231',
      address: 'Hefeng Village, Liangtian Town, Jinfeng District, Yinchuan',
      relationToHead: 'HEAD',
    },
    marriage: {
      spouseIdNumber: null,
      registeredOn: '1972-12-12',
      office: 'Yongning County Civil Affairs',
      certificateNumber: 'J640106-1972-000093',
      status: 'WIDOWED',
    },
    properties: [
      {
        certificateNumber: 'NX(2017)JF-0008812',
        address: 'Hefeng Village 5-11, Jinfeng District',
        areaSqm: 142,
        use: 'RURAL_HOMESTEAD',
        share: 'SOLE',
        coOwnerIdNumbers: [],
      },
    ],
    socialInsurance: {
      accountNumber: 'SI-640106-50011501',
      status: 'RETIRED',
      contributionMonths: 180,
      employer: null,
    },
  },
  {
    idNumber: '440105194002290556',
    name: 'Chen Ming',
    sex: 'M',
    birthDate: '1940-02-29',
    story:
      'Died in Haizhu District, Guangzhou; the death record from the Health Commission should reach the other departments so his identity card is cancelled and his pension account sealed without his family visiting each office.',
    household: {
      householdNumber: '440105-HZ-7720',
      address: '6 Yuejiang West Road, Haizhu District, Guangzhou',
      relationToHead: 'HEAD',
      status: 'CANCELLED_DECEASED',
    },
    death: {
      date: '2026-10-01',
      medicalCertificateNumber: 'D440105-2026-01177',
      place: 'Guangzhou Red Cross Hospital',
    },
    properties: [
      {
        certificateNumber: 'YUE(2008)HZ-0120033',
        address: '6 Yuejiang West Road, Haizhu District, Guangzhou',
        areaSqm: 78.2,
        use: 'RESIDENTIAL',
        share: 'SOLE',
        coOwnerIdNumbers: [],
      },
    ],
    socialInsurance: {
      accountNumber: 'SI-440105-40022905',
      status: 'SEALED_DECEASED',
      contributionMonths: 360,
      employer: null,
    },
  },
  {
    idNumber: '440105196808080661',
    name: 'Chen Lan',
    sex: 'F',
    birthDate: '1968-08-08',
    fatherIdNumber: '440105194002290556',
    motherIdNumber: null,
    story: "Chen Ming's daughter, who handles his affairs and inherits the flat.",
    household: {
      householdNumber: '440105-HZ-9031',
      address: '22 Binjiang Road, Haizhu District, Guangzhou',
      relationToHead: 'HEAD',
    },
    properties: [],
    socialInsurance: {
      accountNumber: 'SI-440105-68080806',
      status: 'CONTRIBUTING',
      contributionMonths: 318,
      employer: 'Pazhou Exhibition Services Co.',
    },
  },
];

export const DEMO_ENTERPRISES: readonly DemoEnterprise[] = [
  {
    creditCode: '91330782MA2E00017B',
    name: 'Yiwu Jiahe Supermarket Co., Ltd.',
    legalRepresentativeIdNumber: '330825198611021315',
    license: {
      type: 'FOOD_DISTRIBUTION',
      number: 'JY13307820012345',
      validUntil: '2029-06-30',
      format: 'STANDARD_SUPERMARKET',
    },
    address: 'Jiangdong Subdistrict, Yiwu, Zhejiang',
    registeredOn: '2016-04-12',
    status: 'OPERATING',
  },
];
