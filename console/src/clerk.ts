import { parseIdNumber } from '../../src/common/identifiers/id-number.js';
import { graphql, type GqlError, type Me } from './api.js';
import { renderCaseWindow } from './case-window.js';
import { CERT_FIELDS, certificateList, type Cert } from './certificates.js';
import { h, replace } from './dom.js';
import { currentLang, departmentName, reasonText, t, type LabelKey } from './i18n.js';
import { qrReader } from './scan.js';

const SOURCE = 'source { department fetchedAt }';
const LOOKUP = `query Lookup($id: IdNumber!, $purpose: PurposeInput!) {
  citizen(idNumber: $id, purpose: $purpose) {
    person { name sex birthDate idCardStatus ${SOURCE} }
    household { householdNumber address relationToHead members { idNumber name relationToHead } ${SOURCE} }
    marriage { status spouseIdNumber certificateNumber registeredOn ${SOURCE} }
    properties { certificateNumber address areaSqm share ${SOURCE} }
    socialInsurance { accountNumber status contributionMonths ${SOURCE} }
    materials { code name satisfied dataItems certificates }
    certificates { ${CERT_FIELDS} }
  }
}`;
const COVERING = `query($id: IdNumber!, $matter: String!, $case: String!) {
  consentsCovering(idNumber: $id, matter: $matter, caseNumber: $case) { id caseNumber grantedAt expiresAt }
}`;
const LAST_MATTER = 'onegate.clerk.matter';
const SCREEN = 'onegate.clerk.screen';

interface MaterialStatus {
  code: string;
  name: string;
  satisfied: 'BY_DATA' | 'BY_CERTIFICATE' | 'TO_BRING' | 'NOT_CHECKED';
  dataItems: string[];
  certificates: string[];
}

/** The view's items, in the order the cards show them, with the fields shown of each. */
const ITEMS: ReadonlyArray<{ field: LabelKey; show: LabelKey[] }> = [
  { field: 'person', show: ['name', 'sex', 'birthDate', 'idCardStatus'] },
  { field: 'household', show: ['householdNumber', 'address', 'relationToHead'] },
  { field: 'marriage', show: ['status', 'spouseIdNumber', 'certificateNumber', 'registeredOn'] },
  { field: 'properties', show: ['certificateNumber', 'address', 'areaSqm', 'share'] },
  { field: 'socialInsurance', show: ['accountNumber', 'status', 'contributionMonths'] },
];

type Rec = Record<string, unknown> & { source: { department: string; fetchedAt: string } };

/**
 * The clerk's screens: the case window (a case with its parties, the default) and the single lookup
 * (one citizen for a matter looked up one subject at a time), switched by the tabs above them.
 */
export async function renderClerk(root: HTMLElement, me: Me): Promise<void> {
  const screen = sessionStorage.getItem(SCREEN) === 'lookup' ? 'lookup' : 'case';
  const tab = (name: 'case' | 'lookup', label: 'tabCase' | 'tabLookup') => {
    const button = h('button', { type: 'button', class: 'tab', id: `tab-${name}`, 'aria-current': name === screen ? 'page' : undefined }, t(label));
    button.addEventListener('click', () => {
      sessionStorage.setItem(SCREEN, name);
      void renderClerk(root, me);
    });
    return button;
  };
  const content = h('div', { id: 'clerk-screen' });
  replace(root, h('nav', { class: 'tabs', 'aria-label': t('clerkScreens') }, tab('case', 'tabCase'), tab('lookup', 'tabLookup')), content);
  if (screen === 'case') await renderCaseWindow(content, me);
  else await renderLookup(content);
}

/** The single lookup: state the matter and case, look a citizen up, see what each department says. */
async function renderLookup(root: HTMLElement): Promise<void> {
  const matters = await graphql<{ matters: Array<{ code: string; name: string; nameZh: string | null }> }>('{ matters { code name nameZh } }');
  const known = new Map((matters.data?.matters ?? []).map((m) => [m.code, (currentLang() === 'zh' && m.nameZh) || m.name]));
  // A searchable list: type part of a code or name, pick from the suggestions; Enter submits.
  const options = h(
    'datalist',
    { id: 'matter-options' },
    ...[...known].sort(([a], [b]) => a.localeCompare(b)).map(([code, name]) => h('option', { value: code, label: name })),
  );
  const matter = h('input', {
    id: 'matter',
    list: 'matter-options',
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'matter-hint',
  });
  matter.value = sessionStorage.getItem(LAST_MATTER) ?? '';
  const matterHint = h('span', { id: 'matter-hint', class: 'hint' });
  const caseNumber = h('input', { id: 'case', required: true, autocomplete: 'off' });
  const idNumber = h('input', { id: 'id-number', required: true, autocomplete: 'off', maxlength: '18', 'aria-describedby': 'id-hint' });
  const idHint = h('span', { id: 'id-hint', class: 'hint' });
  const consent = h('input', { id: 'consent', autocomplete: 'off', spellcheck: 'false' });
  const grants = h('div', { id: 'grants', class: 'grants', 'aria-live': 'polite' });
  const results = h('section', { id: 'results', 'aria-live': 'polite' });

  const checkMatter = (): boolean => {
    const code = matter.value.trim().toUpperCase();
    const name = known.get(code);
    matter.setAttribute('aria-invalid', String(code !== '' && !name));
    matterHint.textContent = name ?? (code === '' ? '' : t('matterUnknown'));
    matterHint.className = name || code === '' ? 'hint' : 'hint bad';
    return name !== undefined;
  };
  matter.addEventListener('input', checkMatter);
  checkMatter();

  const checkId = (): boolean => {
    const value = idNumber.value.trim();
    if (value === '') {
      idNumber.removeAttribute('aria-invalid');
      idHint.textContent = '';
      idHint.className = 'hint';
      return false;
    }
    const parsed = parseIdNumber(value);
    idNumber.setAttribute('aria-invalid', String(!parsed.ok));
    idHint.textContent = parsed.ok ? t('idValid') : parsed.message;
    idHint.className = parsed.ok ? 'hint' : 'hint bad';
    return parsed.ok;
  };
  idNumber.addEventListener('input', checkId);

  const lookUp = async () => {
    if (!checkMatter() || !checkId()) return;
    const code = matter.value.trim().toUpperCase();
    sessionStorage.setItem(LAST_MATTER, code);
    const purpose = { matter: code, caseNumber: caseNumber.value.trim(), consent: consent.value.trim() || null };
    const answer = await graphql<{ citizen: Record<string, unknown> | null }>(LOOKUP, { id: idNumber.value.trim(), purpose });
    renderResults(results, answer.data?.citizen ?? null, answer.errors, () => void lookUp());
  };

  // The citizen's recorded grants that cover this matter and case at this hall: pick one instead of scanning it.
  const findGrants = h('button', { type: 'button', class: 'secondary', id: 'find-grants' }, t('findGrants'));
  findGrants.addEventListener('click', async () => {
    if (!checkMatter() || !checkId()) return;
    const answer = await graphql<{ consentsCovering: Array<{ id: string; caseNumber: string | null; expiresAt: string }> }>(COVERING, {
      id: idNumber.value.trim(),
      matter: matter.value.trim().toUpperCase(),
      case: caseNumber.value.trim(),
    });
    const list = answer.data?.consentsCovering;
    if (!list) {
      replace(grants, h('p', { class: 'hint bad', role: 'alert' }, `${t('actionFailed')}: ${answer.errors[0]?.message ?? ''}`));
      return;
    }
    if (list.length === 0) {
      replace(grants, h('p', { class: 'hint' }, t('noGrantsCovering')));
      return;
    }
    replace(
      grants,
      h('p', { class: 'hint' }, t('pickGrant')),
      ...list.map((grant) => {
        // Every grant listed names this hall (consentsCovering lists no other).
        const scope = [grant.caseNumber ?? t('anyCase'), `${t('expiresAt')} ${new Date(grant.expiresAt).toLocaleString()}`].join(' · ');
        const pick = h('button', { type: 'button', class: 'secondary', 'data-grant': grant.id }, scope);
        pick.addEventListener('click', () => {
          consent.value = grant.id;
          replace(grants);
          void lookUp();
        });
        return pick;
      }),
    );
  });
  const scanConsent = qrReader('consent-scan', (text) => {
    consent.value = text.trim();
    void lookUp();
  });

  const form = h(
    'form',
    { class: 'lookup', id: 'lookup' },
    h('label', { for: 'matter' }, t('matter'), matter, options, matterHint),
    h('label', { for: 'case' }, t('caseNumber'), caseNumber),
    h('label', { for: 'id-number' }, t('idNumber'), idNumber, idHint),
    h('label', { for: 'consent' }, t('consent'), consent),
    h('button', { type: 'submit' }, t('lookUp')),
    h('div', { class: 'consent-tools' }, findGrants, scanConsent, grants),
  );
  // Enter in any field submits.
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void lookUp();
  });
  replace(root, h('h1', {}, t('clerkTitle')), form, results);
  idNumber.focus();
}

function renderResults(results: HTMLElement, view: Record<string, unknown> | null, errors: GqlError[], retry: () => void): void {
  const byField = new Map<string, GqlError>();
  const general: GqlError[] = [];
  for (const error of errors) {
    const field = error.path?.[0] === 'citizen' && typeof error.path[1] === 'string' ? error.path[1] : null;
    if (field) byField.set(field, error);
    else general.push(error);
  }
  const cards: HTMLElement[] = [];
  // One card per department, with every item it answered; withheld and failed items on cards of their own.
  const departments = new Map<string, HTMLElement>();
  for (const { field, show } of ITEMS) {
    const error = byField.get(field);
    if (error?.extensions?.code === 'FORBIDDEN') {
      cards.push(
        h(
          'article',
          { class: 'card denied', 'data-item': field },
          h('h2', {}, t(field)),
          h('p', {}, t('notAvailable')),
          h('p', { class: 'reason' }, reasonText(error.extensions.reason)),
        ),
      );
      continue;
    }
    if (error) {
      const button = h('button', { type: 'button', class: 'secondary' }, t('retry'));
      button.addEventListener('click', retry);
      const department = error.extensions?.department;
      cards.push(
        h(
          'article',
          { class: 'card failed', 'data-item': field },
          h('h2', {}, t(field)),
          h(
            'p',
            { class: 'reason' },
            `${t('departmentFailed')}${department ? `: ${departmentName(department)}` : ''} (${error.extensions?.reason ?? error.extensions?.code ?? ''})`,
          ),
          button,
        ),
      );
      continue;
    }
    if (!view || !(field in view)) continue;
    const value = view[field];
    const records = (Array.isArray(value) ? value : value ? [value] : []) as Rec[];
    const department = records[0]?.source.department;
    const section = h('section', { 'data-item': field }, h('h2', {}, t(field)));
    if (records.length === 0) section.append(h('p', { class: 'source' }, t('noRecord')));
    for (const record of records) section.append(recordList(record, show));
    const key = department ?? field;
    let card = departments.get(key);
    if (!card) {
      card = h('article', { class: 'card', 'data-department': department ?? '' }, department ? h('p', { class: 'source' }, departmentName(department)) : null);
      departments.set(key, card);
      cards.push(card);
    }
    card.append(section);
  }
  const materials = (view?.materials ?? []) as MaterialStatus[];
  const certificates = h('section', { id: 'certificates' });
  certificateList(certificates, t('citizenCertificates'), (view?.certificates ?? []) as Cert[]);
  replace(
    results,
    ...general.map((e) => h('p', { class: 'error', role: 'alert' }, `${t('lookupFailed')}: ${e.message}`)),
    view ? materialsChecklist(materials) : null,
    h('div', { class: 'cards' }, ...cards),
    view ? certificates : null,
  );
}

/** The matter's materials: each covered by the records just released, by a certificate the citizen holds, or still to bring. */
function materialsChecklist(materials: MaterialStatus[]): HTMLElement {
  const label = { BY_DATA: t('byData'), BY_CERTIFICATE: t('byCertificate'), TO_BRING: t('toBring'), NOT_CHECKED: t('notChecked') } as const;
  return h(
    'section',
    { id: 'materials', 'aria-labelledby': 'materials-title' },
    h('h2', { id: 'materials-title' }, t('materials')),
    h(
      'ul',
      { class: 'checklist' },
      ...materials.map((m) =>
        h(
          'li',
          {
            'data-material': m.code,
            'data-satisfied': m.satisfied,
            class: m.satisfied === 'TO_BRING' ? 'to-bring' : m.satisfied === 'NOT_CHECKED' ? 'not-checked' : 'covered',
          },
          h('span', { class: 'mark', 'aria-hidden': 'true' }, m.satisfied === 'TO_BRING' ? '☐' : '☑'),
          h('span', {}, m.name),
          h('span', { class: 'badge' }, label[m.satisfied]),
          m.satisfied === 'BY_DATA' ? h('span', { class: 'source' }, m.dataItems.join(', ')) : null,
          m.satisfied === 'BY_CERTIFICATE' ? h('span', { class: 'source' }, m.certificates.join(', ')) : null,
        ),
      ),
    ),
  );
}

function recordList(record: Rec, show: LabelKey[]): HTMLElement {
  const list = h('dl', {});
  for (const key of show) {
    const value = record[key];
    if (value === null || value === undefined) continue;
    list.append(h('dt', {}, t(key)), h('dd', {}, String(value)));
  }
  const members = record.members as Array<{ idNumber: string; name: string; relationToHead: string }> | undefined;
  if (members && members.length > 0) {
    list.append(h('dt', {}, t('members')), h('dd', {}, h('ul', { class: 'members' }, ...members.map((m) => h('li', {}, `${m.name} (${m.relationToHead})`)))));
  }
  list.append(h('dt', {}, t('fetchedAt')), h('dd', { class: 'source' }, new Date(record.source.fetchedAt).toLocaleString()));
  return list;
}
