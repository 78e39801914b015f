import { h } from './dom.js';
import { currentLang, dateTimeText, departmentName, t, valueText, type LabelKey } from './i18n.js';

/** One field of a record as shown: its label, and the code list its value is from (shown in words). */
interface Shown {
  key: string;
  label: LabelKey;
  codes?: string;
}

/** A data item as the case window reads and shows it: the view's field, what to select, what to show. */
export interface ItemSpec {
  item: string;
  field: string;
  label: LabelKey;
  selection: string;
  show: Shown[];
  /** The view answers a list of records (properties, licences). */
  list?: boolean;
}

const SOURCE = 'source { department fetchedAt }';

/** A person's items, in the order the cards show them. */
export const PERSON_ITEMS: readonly ItemSpec[] = [
  {
    item: 'person.identity',
    field: 'person',
    label: 'person',
    selection: `name sex birthDate idCardStatus motherIdNumber fatherIdNumber ${SOURCE}`,
    show: [
      { key: 'name', label: 'name' },
      { key: 'sex', label: 'sex', codes: 'sex' },
      { key: 'birthDate', label: 'birthDate' },
      { key: 'idCardStatus', label: 'idCardStatus', codes: 'idCardStatus' },
      { key: 'motherIdNumber', label: 'motherIdNumber' },
      { key: 'fatherIdNumber', label: 'fatherIdNumber' },
    ],
  },
  {
    item: 'birth.medical_certificate',
    field: 'birth',
    label: 'birth',
    selection: `medicalCertificateNumber birthDate hospital motherIdNumber fatherIdNumber ${SOURCE}`,
    show: [
      { key: 'medicalCertificateNumber', label: 'medicalCertificateNumber' },
      { key: 'birthDate', label: 'birthDate' },
      { key: 'hospital', label: 'hospital' },
      { key: 'motherIdNumber', label: 'motherIdNumber' },
      { key: 'fatherIdNumber', label: 'fatherIdNumber' },
    ],
  },
  {
    item: 'death.medical_certificate',
    field: 'death',
    label: 'death',
    selection: `medicalCertificateNumber date place ${SOURCE}`,
    show: [
      { key: 'medicalCertificateNumber', label: 'medicalCertificateNumber' },
      { key: 'date', label: 'date' },
      { key: 'place', label: 'place' },
    ],
  },
  {
    item: 'household.registration',
    field: 'household',
    label: 'household',
    selection: `householdNumber address householdType relationToHead status members { name relationToHead status } ${SOURCE}`,
    show: [
      { key: 'householdNumber', label: 'householdNumber' },
      { key: 'address', label: 'address' },
      { key: 'householdType', label: 'householdType', codes: 'householdType' },
      { key: 'relationToHead', label: 'relationToHead', codes: 'relationToHead' },
      { key: 'status', label: 'status', codes: 'householdStatus' },
    ],
  },
  {
    item: 'marriage.registration',
    field: 'marriage',
    label: 'marriage',
    selection: `status spouseIdNumber certificateNumber registeredOn office ${SOURCE}`,
    show: [
      { key: 'status', label: 'status', codes: 'marriageStatus' },
      { key: 'spouseIdNumber', label: 'spouseIdNumber' },
      { key: 'certificateNumber', label: 'certificateNumber' },
      { key: 'registeredOn', label: 'registeredOn' },
      { key: 'office', label: 'office' },
    ],
  },
  {
    item: 'property.rights',
    field: 'properties',
    label: 'properties',
    list: true,
    selection: `certificateNumber address areaSqm use share coOwnerIdNumbers ${SOURCE}`,
    show: [
      { key: 'certificateNumber', label: 'certificateNumber' },
      { key: 'address', label: 'address' },
      { key: 'areaSqm', label: 'areaSqm' },
      { key: 'use', label: 'use', codes: 'use' },
      { key: 'share', label: 'share', codes: 'share' },
      { key: 'coOwnerIdNumbers', label: 'coOwnerIdNumbers' },
    ],
  },
  {
    item: 'social_insurance.account',
    field: 'socialInsurance',
    label: 'socialInsurance',
    selection: `accountNumber status contributionMonths employer ${SOURCE}`,
    show: [
      { key: 'accountNumber', label: 'accountNumber' },
      { key: 'status', label: 'status', codes: 'insuranceStatus' },
      { key: 'contributionMonths', label: 'contributionMonths' },
      { key: 'employer', label: 'employer' },
    ],
  },
];

/** An enterprise's items. */
export const ENTERPRISE_ITEMS: readonly ItemSpec[] = [
  {
    item: 'enterprise.registration',
    field: 'registration',
    label: 'registration',
    selection: `name creditCode status registeredOn address legalRepresentativeIdNumber ${SOURCE}`,
    show: [
      { key: 'name', label: 'enterpriseName' },
      { key: 'creditCode', label: 'creditCode' },
      { key: 'status', label: 'status', codes: 'enterpriseStatus' },
      { key: 'registeredOn', label: 'registeredOn' },
      { key: 'address', label: 'address' },
      { key: 'legalRepresentativeIdNumber', label: 'legalRepresentativeIdNumber' },
    ],
  },
  {
    item: 'enterprise.licence',
    field: 'licences',
    label: 'licences',
    list: true,
    selection: `type number validUntil format ${SOURCE}`,
    show: [
      { key: 'type', label: 'type', codes: 'licenceType' },
      { key: 'number', label: 'number' },
      { key: 'validUntil', label: 'validUntil' },
      { key: 'format', label: 'format', codes: 'licenceFormat' },
    ],
  },
];

/** The items a role reads, in card order (an item the catalog shows no card for is left out). */
export function itemsOfRole(kind: string, dataItems: readonly string[]): ItemSpec[] {
  return (kind === 'ENTERPRISE' ? ENTERPRISE_ITEMS : PERSON_ITEMS).filter((spec) => dataItems.includes(spec.item));
}

export type RecordData = Record<string, unknown> & { source?: { department: string; fetchedAt: string } };

/** The records a view holds for an item (none, one, or a list). */
export function recordsOf(view: Record<string, unknown> | null, spec: ItemSpec): RecordData[] {
  const value = view?.[spec.field];
  return (Array.isArray(value) ? value : value ? [value] : []) as RecordData[];
}

/** A field's value in words (codes translated, lists joined); null when the record has none. */
export function shownValue(record: RecordData, shown: Shown): string | null {
  const value = record[shown.key];
  if (value === null || value === undefined || value === '') return null;
  if (Array.isArray(value)) return value.length === 0 ? null : value.map(String).join(currentLang() === 'zh' ? '、' : ', ');
  return shown.codes ? valueText(shown.codes, String(value)) : String(value);
}

/** One record as a definition list, with the household's members and the fetch time. */
export function recordList(record: RecordData, spec: ItemSpec): HTMLElement {
  const list = h('dl', {});
  for (const shown of spec.show) {
    const value = shownValue(record, shown);
    if (value !== null) list.append(h('dt', {}, t(shown.label)), h('dd', {}, value));
  }
  const members = record.members as Array<{ name: string; relationToHead: string; status: string }> | undefined;
  if (members && members.length > 0) {
    list.append(
      h('dt', {}, t('members')),
      h(
        'dd',
        {},
        h(
          'ul',
          { class: 'members' },
          ...members.map((m) => {
            const about = [valueText('relationToHead', m.relationToHead), m.status === 'ACTIVE' ? null : valueText('householdStatus', m.status)];
            const said = about.filter((part) => part !== null).join(currentLang() === 'zh' ? '，' : ', ');
            return h('li', {}, currentLang() === 'zh' ? `${m.name}（${said}）` : `${m.name} (${said})`);
          }),
        ),
      ),
    );
  }
  if (record.source) {
    list.append(
      h('dt', {}, t('sourceDepartment')),
      h('dd', { class: 'source' }, `${departmentName(record.source.department)} · ${dateTimeText(record.source.fetchedAt)}`),
    );
  }
  return list;
}
