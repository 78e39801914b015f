/**
 * The demo story of each one thing (the demo people in src/seed/demo-citizens.ts): the hall, the
 * case's parties, the consents they give and the answers to the questions the records do not
 * answer. `npm run burden` plays them on a seeded database to measure what each one thing spares.
 */
export interface DemoStory {
  oneThing: string;
  /** The hall whose clerk opens the case, and its administrative division. */
  hall: string;
  region: string;
  parties: ReadonlyArray<{ role: string; idNumber?: string; creditCode?: string }>;
  /** Consents for the case's matter, each given at this hall; `onBehalfOf`: shown at the window and attached to the case. */
  consents: ReadonlyArray<{ by: string; onBehalfOf?: string }>;
  answers: Readonly<Record<string, string>>;
}

const LI_WEI = '330825198803142023';
const ZHANG_HAO = '330825198611021315';
const ZHANG_XIAOYU = '330825202609180842';
const GUAN_JIANGUO = '31010519660520037X';
const WANG_FANG = '320113199007071462';
const CHEN_MING = '440105194002290556';
const CHEN_LAN = '440105196808080661';
const JIAHE = '91330782MA2E00017B';

export const DEMO_STORIES: readonly DemoStory[] = [
  {
    // Zhang Xiaoyu is born; her mother applies in Longyou with both parents' consent.
    oneThing: 'NEWBORN',
    hall: 'LONGYOU-01',
    region: '330825',
    parties: [
      { role: 'CHILD', idNumber: ZHANG_XIAOYU },
      { role: 'MOTHER', idNumber: LI_WEI },
      { role: 'FATHER', idNumber: ZHANG_HAO },
    ],
    consents: [{ by: LI_WEI }, { by: ZHANG_HAO }, { by: LI_WEI, onBehalfOf: ZHANG_XIAOYU }],
    answers: {},
  },
  {
    // Li Wei sells the flat she owns with Zhang Hao to Guan Jianguo; the flat has piped gas.
    oneThing: 'HOUSE_SALE',
    hall: 'LONGYOU-01',
    region: '330825',
    parties: [
      { role: 'SELLER', idNumber: LI_WEI },
      { role: 'CO_OWNER', idNumber: ZHANG_HAO },
      { role: 'BUYER', idNumber: GUAN_JIANGUO },
    ],
    consents: [{ by: LI_WEI }, { by: ZHANG_HAO }, { by: GUAN_JIANGUO }],
    answers: { gasConnected: 'YES' },
  },
  {
    // Guan Jianguo retires at the statutory age in Changning, Shanghai.
    oneThing: 'RETIREMENT',
    hall: 'CHANGNING-01',
    region: '310105',
    parties: [{ role: 'RETIREE', idNumber: GUAN_JIANGUO }],
    consents: [{ by: GUAN_JIANGUO }],
    answers: { retirementType: 'NORMAL' },
  },
  {
    // Chen Lan settles the affairs of her father Chen Ming in Haizhu, Guangzhou, and inherits his flat alone.
    oneThing: 'DECEASED',
    hall: 'HAIZHU-01',
    region: '440105',
    parties: [
      { role: 'DECEASED', idNumber: CHEN_MING },
      { role: 'APPLICANT', idNumber: CHEN_LAN },
    ],
    consents: [{ by: CHEN_LAN }],
    answers: { heirs: 'ONE' },
  },
  {
    // Wang Fang moves her household out of the talent center's collective household in Nanjing, to a rented home.
    oneThing: 'HOUSEHOLD_MOVE',
    hall: 'NANJING-QX-01',
    region: '320113',
    parties: [{ role: 'MOVER', idNumber: WANG_FANG }],
    consents: [{ by: WANG_FANG }],
    answers: { destination: 'RENTED' },
  },
  {
    // Yiwu Jiahe Supermarket opens a standard retail store selling prepackaged food; Zhang Hao is its legal representative.
    oneThing: 'SUPERMARKET_OPENING',
    hall: 'LONGYOU-01',
    region: '330825',
    parties: [
      { role: 'ENTERPRISE', creditCode: JIAHE },
      { role: 'LEGAL_REPRESENTATIVE', idNumber: ZHANG_HAO },
    ],
    consents: [{ by: ZHANG_HAO }],
    answers: { size: 'STANDARD', trade: 'RETAIL', foodOnSite: 'NO' },
  },
];
