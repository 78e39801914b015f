import { graphql } from './api.js';
import { CERT_FIELDS, certificateList, svgImage, type Cert } from './certificates.js';
import { renderMyApplications } from './citizen-applications.js';
import { h, replace } from './dom.js';
import { currentLang, departmentName, outcomeText, t } from './i18n.js';

interface Access {
  at: string;
  matter: string | null;
  caseNumber: string | null;
  items: string[];
  outcome: string;
  accessor: { kind: string; hall: string | null; hallName: string | null; department: string | null };
}

interface Grant {
  id: string;
  matter: string;
  caseNumber: string | null;
  halls: string[];
  departments: string[];
  expiresAt: string;
  revokedAt: string | null;
  status: string;
}

interface Hall {
  code: string;
  name: string;
  nameZh: string;
}

interface Matter {
  code: string;
  name: string;
  nameZh: string | null;
  consentRequired: boolean;
  roles: string[];
}

const ACCESSES = `{ myDataAccesses(first: 50) { edges { node { at matter caseNumber items outcome accessor { kind hall hallName department } } } } }`;
const CONSENTS = `{ myConsents { id matter caseNumber halls departments expiresAt revokedAt status } }`;
const LINK = `mutation($id: ID!, $disclose: [String!]!) { createPresentationLink(id: $id, disclose: $disclose) { url expiresAt qrSvg } }`;
const CERTIFICATES = `query($holder: String!) { certificates(holder: $holder) { ${CERT_FIELDS} } }`;
const PRESENT = `query($id: ID!, $disclose: [String!]!) { certificatePresentation(id: $id, disclose: $disclose) }`;

/** A citizen's screen: who read my data, when and why; my consents (granted, shown as a QR code, revoked); my certificates. */
export async function renderCitizen(root: HTMLElement, idNumber: string): Promise<void> {
  const applications = h('section', { id: 'my-applications', 'aria-labelledby': 'my-applications-title' });
  const accesses = h('section', { id: 'accesses', 'aria-labelledby': 'accesses-title' });
  const consents = h('section', { id: 'consents', 'aria-labelledby': 'consents-title' });
  const certificates = h('section', { id: 'my-certificates' });
  replace(root, h('h1', {}, t('citizenTitle')), applications, accesses, consents, certificates);
  await Promise.all([renderMyApplications(applications), renderAccesses(accesses), renderConsents(consents), renderCertificates(certificates, idNumber)]);
}

async function renderCertificates(section: HTMLElement, idNumber: string): Promise<void> {
  const answer = await graphql<{ certificates: Cert[] }>(CERTIFICATES, { holder: idNumber });
  certificateList(section, t('myCertificates'), answer.data?.certificates ?? [], (cert) => [showQr(cert), disclosure(cert)]);
  if (answer.errors.length > 0) section.append(h('p', { class: 'error', role: 'alert' }, `${t('actionFailed')}: ${answer.errors[0]!.message}`));
}

/** The certificate's QR code (its public verification link), shown on the phone for a reader to scan. */
function showQr(cert: Cert): HTMLElement {
  const button = h('button', { type: 'button', class: 'secondary', 'data-action': 'qr', 'aria-expanded': 'false' }, t('showQr'));
  const figure = h('figure', { class: 'qr-figure', hidden: true }, svgImage(cert.qrSvg, t('qrAlt')), h('figcaption', {}, t('scanToVerify')));
  button.addEventListener('click', () => {
    figure.hidden = !figure.hidden;
    button.setAttribute('aria-expanded', String(!figure.hidden));
  });
  return h('div', {}, button, figure);
}

/** Download an SD-JWT presentation that discloses only the claims ticked. */
function disclosure(cert: Cert): HTMLElement {
  const boxes = Object.keys(cert.claims).map((claim) => {
    const box = h('input', { type: 'checkbox', value: claim, id: `disclose-${cert.id}-${claim}`, checked: true });
    return { claim, box, label: h('label', { for: box.id, class: 'check' }, box, claim) };
  });
  const message = h('span', { class: 'hint', role: 'status' });
  const download = h('button', { type: 'button', 'data-action': 'download' }, t('downloadSdJwt'));
  download.addEventListener('click', async () => {
    const disclose = boxes.filter(({ box }) => box.checked).map(({ claim }) => claim);
    const answer = await graphql<{ certificatePresentation: string }>(PRESENT, { id: cert.id, disclose });
    if (!answer.data) {
      message.textContent = `${t('actionFailed')}: ${answer.errors[0]?.message ?? ''}`;
      message.className = 'hint bad';
      return;
    }
    const link = h('a', {
      href: URL.createObjectURL(new Blob([answer.data.certificatePresentation], { type: 'application/dc+sd-jwt' })),
      download: `${cert.type.toLowerCase()}-${cert.identifier}.sd-jwt`,
    });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    message.textContent = t('downloaded');
    message.className = 'hint ok';
  });
  // Or show them: a QR code of a short-lived link to a presentation of the ticked claims only.
  const present = h('button', { type: 'button', class: 'secondary', 'data-action': 'present-qr' }, t('presentQr'));
  const shown = h('figure', { class: 'qr-figure', hidden: true, 'data-presentation': cert.id });
  present.addEventListener('click', async () => {
    const disclose = boxes.filter(({ box }) => box.checked).map(({ claim }) => claim);
    const answer = await graphql<{ createPresentationLink: { url: string; expiresAt: string; qrSvg: string } }>(LINK, { id: cert.id, disclose });
    if (!answer.data) {
      message.textContent = `${t('actionFailed')}: ${answer.errors[0]?.message ?? ''}`;
      message.className = 'hint bad';
      return;
    }
    const link = answer.data.createPresentationLink;
    replace(
      shown,
      svgImage(link.qrSvg, t('presentQrAlt')),
      h(
        'figcaption',
        {},
        `${t('presentQrHelp')} ${new Date(link.expiresAt).toLocaleTimeString()}`,
        h('br'),
        h('a', { href: link.url, class: 'link-text' }, link.url),
      ),
    );
    shown.hidden = false;
  });
  return h(
    'details',
    { class: 'disclose' },
    h('summary', {}, t('chooseClaims')),
    h('fieldset', {}, h('legend', {}, t('discloseOnly')), ...boxes.map(({ label }) => label)),
    h('div', { class: 'actions' }, download, present),
    message,
    shown,
  );
}

async function renderAccesses(section: HTMLElement): Promise<void> {
  const answer = await graphql<{ myDataAccesses: { edges: Array<{ node: Access }> } }>(ACCESSES);
  const rows = (answer.data?.myDataAccesses.edges ?? []).map(({ node }) =>
    h(
      'tr',
      {},
      h('td', {}, new Date(node.at).toLocaleString()),
      h('td', {}, node.accessor.hallName ?? node.accessor.hall ?? node.accessor.department ?? node.accessor.kind),
      h('td', {}, [node.matter, node.caseNumber].filter(Boolean).join(' · ')),
      h('td', {}, node.items.join(', ') || '—'),
      h('td', { 'data-outcome': node.outcome }, outcomeText(node.outcome)),
    ),
  );
  replace(
    section,
    h('h2', { id: 'accesses-title' }, t('myAccesses')),
    answer.errors.length > 0 ? h('p', { class: 'error', role: 'alert' }, `${t('actionFailed')}: ${answer.errors[0]!.message}`) : null,
    rows.length === 0
      ? h('p', { class: 'hint' }, t('noAccesses'))
      : h(
          'table',
          {},
          h('thead', {}, h('tr', {}, ...(['when', 'who', 'why', 'items', 'outcome'] as const).map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', {}, ...rows),
        ),
  );
}

async function renderConsents(section: HTMLElement): Promise<void> {
  const [list, matters, registry] = await Promise.all([
    graphql<{ myConsents: Grant[] }>(CONSENTS),
    graphql<{ matters: Matter[] }>('{ matters { code name nameZh consentRequired roles } }'),
    graphql<{ serviceHalls: Hall[] }>('{ serviceHalls { code name nameZh } }'),
  ]);
  const halls = registry.data?.serviceHalls ?? [];
  const hallName = (code: string) => {
    const hall = halls.find((candidate) => candidate.code === code);
    return hall ? (currentLang() === 'zh' ? hall.nameZh : hall.name) : code;
  };
  const message = h('p', { class: 'hint bad', role: 'alert' });
  const matter = h('select', { id: 'grant-matter', required: true });
  // Consent lets someone else read the citizen's records: matters a clerk or department handles.
  for (const m of matters.data?.matters ?? []) {
    if (!m.roles.some((role) => role !== 'citizen')) continue;
    matter.append(h('option', { value: m.code }, `${m.code} — ${(currentLang() === 'zh' && m.nameZh) || m.name}`));
  }
  const caseNumber = h('input', { id: 'grant-case', autocomplete: 'off' });
  // The halls by name; the code is what the grant records.
  const hallBoxes = halls.map((hall) => {
    const box = h('input', { type: 'checkbox', value: hall.code, id: `grant-hall-${hall.code}`, 'data-hall': hall.code });
    return { box, label: h('label', { for: box.id, class: 'check' }, box, hallName(hall.code)) };
  });
  const form = h(
    'form',
    { class: 'lookup', id: 'grant' },
    h('label', { for: 'grant-matter' }, t('matter'), matter),
    h('label', { for: 'grant-case' }, t('caseOptional'), caseNumber),
    h(
      'fieldset',
      { class: 'halls', id: 'grant-halls' },
      h('legend', {}, t('halls')),
      ...hallBoxes.map(({ label }) => label),
      h('p', { class: 'hint' }, t('hallsHelp')),
    ),
    h('button', { type: 'submit' }, t('grant')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = hallBoxes.filter(({ box }) => box.checked).map(({ box }) => box.value);
    const input = { matter: matter.value, caseNumber: caseNumber.value.trim() || null, halls: chosen };
    const granted = await graphql<{ grantConsent: { id: string } }>('mutation($input: GrantConsentInput!) { grantConsent(input: $input) { id } }', { input });
    if (granted.errors.length > 0) message.textContent = `${t('actionFailed')}: ${granted.errors[0]!.message}`;
    else await renderConsents(section);
  });
  const grants = list.data?.myConsents ?? [];
  const rows = grants.map((grant) => {
    const qr = grant.status === 'ACTIVE' ? consentQr(grant.id) : null;
    const action = grant.revokedAt
      ? h('span', {}, t('revoked'))
      : (() => {
          const button = h('button', { type: 'button', class: 'secondary', 'data-revoke': grant.id }, t('revoke'));
          button.addEventListener('click', async () => {
            const revoked = await graphql('mutation($id: ID!) { revokeConsent(id: $id) { id } }', { id: grant.id });
            if (revoked.errors.length > 0) message.textContent = `${t('actionFailed')}: ${revoked.errors[0]!.message}`;
            else await renderConsents(section);
          });
          return button;
        })();
    return h(
      'tr',
      { 'data-grant': grant.id },
      h(
        'td',
        {},
        [grant.matter, grant.caseNumber].filter(Boolean).join(' · '),
        h(
          'div',
          { class: 'hint', 'data-halls': grant.halls.join(' ') },
          grant.halls.length + grant.departments.length === 0
            ? t('boundOnScan')
            : [...grant.halls.map(hallName), ...grant.departments.map(departmentName)].join('、'),
        ),
      ),
      h('td', {}, h('code', {}, grant.id)),
      h('td', {}, new Date(grant.expiresAt).toLocaleString()),
      h('td', {}, grant.status === 'EXPIRED' ? h('span', {}, t('expired')) : null, action, qr),
    );
  });
  replace(
    section,
    h('h2', { id: 'consents-title' }, t('myConsents')),
    form,
    message,
    rows.length === 0
      ? h('p', { class: 'hint' }, t('noConsents'))
      : h(
          'table',
          {},
          h(
            'thead',
            {},
            h('tr', {}, ...(['matter', 'grantId', 'expiresAt', 'outcome'] as const).map((k) => h('th', { scope: 'col' }, k === 'outcome' ? '' : t(k)))),
          ),
          h('tbody', {}, ...rows),
        ),
  );
}

/**
 * Shows the grant as a QR code for the clerk to scan: a freshly signed, short-lived consent token,
 * fetched when asked for (so it is fresh at the window), never stored.
 */
function consentQr(id: string): HTMLElement {
  const button = h('button', { type: 'button', class: 'secondary', 'data-consent-qr': id }, t('showQr'));
  const figure = h('figure', { class: 'qr-figure', hidden: true });
  button.addEventListener('click', async () => {
    if (!figure.hidden) {
      figure.hidden = true;
      return;
    }
    const answer = await graphql<{ myConsents: Array<{ id: string; qrSvg: string | null }> }>('{ myConsents { id qrSvg } }');
    const svg = answer.data?.myConsents.find((g) => g.id === id)?.qrSvg;
    replace(figure, svg ? svgImage(svg, t('consentQrAlt')) : h('p', { class: 'hint bad' }, t('actionFailed')), h('figcaption', {}, t('consentQrHelp')));
    figure.hidden = false;
  });
  return h('div', {}, button, figure);
}
