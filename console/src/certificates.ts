import { graphql } from './api.js';
import { h, replace } from './dom.js';
import { departmentName, t } from './i18n.js';
import { claimList, renderVerification, VERIFY, type Verification } from './verify.js';

/** A certificate as the consoles show it. */
export interface Cert {
  id: string;
  identifier: string;
  type: string;
  typeName: string;
  holder: string;
  status: string;
  issuedAt: string;
  validUntil: string | null;
  claims: Record<string, unknown>;
  credential: string;
  qrSvg: string;
  verificationUrl: string;
  issuer: { code: string; name: string };
}

export const CERT_FIELDS = 'id identifier type typeName holder status issuedAt validUntil claims credential qrSvg verificationUrl issuer { code name }';

/** An SVG document from the gateway as an image (never parsed into the page). */
export function svgImage(svg: string, alt: string, className = 'qr'): HTMLImageElement {
  const bytes = new TextEncoder().encode(svg);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return h('img', { src: `data:image/svg+xml;base64,${btoa(binary)}`, alt, class: className });
}

/**
 * One certificate: its type, identifier, issuer, status and claims, with actions — verify (online,
 * the three verdicts shown on the card) and print (a sheet with the QR code that opens the public
 * verification page). `extra` adds the caller's own actions (e.g. the citizen's download).
 */
export function certificateCard(cert: Cert, extra: HTMLElement[] = []): HTMLElement {
  const result = h('div', { class: 'verification', 'aria-live': 'polite' });
  const verify = h('button', { type: 'button', class: 'secondary', 'data-action': 'verify' }, t('verify'));
  verify.addEventListener('click', async () => {
    const answer = await graphql<{ verifyCertificate: Verification }>(VERIFY, { credential: cert.credential });
    renderVerification(result, answer.data?.verifyCertificate ?? null, answer.errors);
  });
  const print = h('button', { type: 'button', class: 'secondary', 'data-action': 'print' }, t('print'));
  print.addEventListener('click', () => openPrintSheet(cert));
  return h(
    'article',
    { class: `card certificate ${cert.status === 'VALID' ? '' : 'inactive'}`, 'data-certificate': cert.identifier },
    h('h3', {}, cert.typeName),
    h(
      'dl',
      {},
      h('dt', {}, t('identifier')),
      h('dd', {}, h('code', {}, cert.identifier)),
      h('dt', {}, t('issuer')),
      h('dd', {}, departmentName(cert.issuer.code)),
      h('dt', {}, t('certStatus')),
      h('dd', { 'data-status': cert.status }, t(`state${cert.status}` as 'stateVALID')),
      h('dt', {}, t('issuedAt')),
      h('dd', {}, new Date(cert.issuedAt).toLocaleDateString()),
      cert.validUntil ? h('dt', {}, t('expiresAt')) : null,
      cert.validUntil ? h('dd', {}, new Date(cert.validUntil).toLocaleDateString()) : null,
    ),
    h('details', {}, h('summary', {}, t('claims')), claimList(cert.claims)),
    h('div', { class: 'actions' }, verify, print, ...extra),
    result,
  );
}

/**
 * The print view: the certificate on one sheet, with the QR code a reader scans to verify it on the
 * public page. Shown over the console (everything else hidden when printing), closed with Back or Escape.
 */
export function openPrintSheet(cert: Cert): void {
  const back = h('button', { type: 'button', class: 'secondary' }, t('back'));
  const print = h('button', { type: 'button' }, t('print'));
  const sheet = h(
    'div',
    { class: 'print-sheet', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'sheet-title', id: 'print-sheet' },
    h('div', { class: 'no-print actions' }, print, back),
    h('h1', { id: 'sheet-title' }, cert.typeName),
    h('p', { class: 'source' }, `${departmentName(cert.issuer.code)} · ${new Date(cert.issuedAt).toLocaleDateString()}`),
    h('div', { class: 'sheet-body' }, claimList(cert.claims), h('figure', {}, svgImage(cert.qrSvg, t('qrAlt')), h('figcaption', {}, t('scanToVerify')))),
    h('p', {}, t('identifier'), ': ', h('code', {}, cert.identifier)),
    h('p', { class: 'source' }, cert.verificationUrl),
  );
  const close = () => {
    sheet.remove();
    document.body.classList.remove('printing');
    document.removeEventListener('keydown', onKey);
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') close();
  };
  back.addEventListener('click', close);
  print.addEventListener('click', () => window.print());
  document.addEventListener('keydown', onKey);
  document.body.classList.add('printing');
  document.body.append(sheet);
  print.focus();
}

/** A list of certificate cards, or the words for none. */
export function certificateList(section: HTMLElement, title: string, certs: Cert[], extra: (cert: Cert) => HTMLElement[] = () => []): void {
  replace(
    section,
    h('h2', {}, title),
    certs.length === 0
      ? h('p', { class: 'hint' }, t('noCertificates'))
      : h('div', { class: 'cards' }, ...certs.map((cert) => certificateCard(cert, extra(cert)))),
  );
}
