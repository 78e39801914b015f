import { graphql, type GqlError } from './api.js';
import { h, replace } from './dom.js';
import { t } from './i18n.js';
import { qrReader } from './scan.js';

interface Verdict {
  ok: boolean;
  message: string;
  reason: string | null;
}

export interface Verification {
  valid: boolean;
  certificateType: string | null;
  identifier: string | null;
  claims: Record<string, unknown>;
  integrity: Verdict;
  status: Verdict & { state: string };
  issuer: Verdict & { department: string | null };
}

const VERDICTS = `valid certificateType identifier claims
  integrity { ok message reason } status { ok message reason state } issuer { ok message reason department }`;

export const VERIFY = `query($credential: String!) { verifyCertificate(credential: $credential) { ${VERDICTS} } }`;

/** The registered certificate with a GB/T 36904 identifier: the same verdicts, never its claims. */
export const VERIFY_IDENTIFIER = `query($identifier: String!) { verifyCertificateIdentifier(identifier: $identifier) { ${VERDICTS} } }`;

/**
 * What was pasted: a certificate identifier (1.2.156.3005.2.…, digits first) or a credential (a JWS,
 * which starts with "ey"). An identifier copied from paper may be broken over lines: white space goes.
 */
export function identifierOf(text: string): string | null {
  const compact = text.replace(/\s+/g, '');
  return /^[0-9]/.test(compact) ? compact : null;
}

/** Why an identifier was refused, in words: wrong shape, wrong check character, or not registered here. */
function identifierProblem(errors: GqlError[]): HTMLElement | null {
  const extensions = errors[0]?.extensions;
  const problem =
    extensions?.reason === 'IDENTIFIER_CHECK_CHARACTER'
      ? ['check', t('identifierCheckCharacter')]
      : extensions?.reason === 'IDENTIFIER_MALFORMED'
        ? ['shape', t('identifierMalformed')]
        : extensions?.code === 'NOT_FOUND'
          ? ['unknown', t('identifierUnknown')]
          : null;
  return problem ? h('p', { class: 'error overall', role: 'alert', 'data-problem': problem[0] }, problem[1]) : null;
}

/** What a certificate says, claim by claim (values that are not text shown as JSON). */
export function claimList(claims: Record<string, unknown>, attrs: Record<string, string> = {}): HTMLElement {
  const list = h('dl', { ...attrs, class: attrs.class ? `claims ${attrs.class}` : 'claims' });
  for (const [name, value] of Object.entries(claims)) list.append(h('dt', {}, name), h('dd', {}, typeof value === 'string' ? value : JSON.stringify(value)));
  return list;
}

/**
 * The overall answer, the three verdicts in plain words, and what the certificate says (verified by
 * identifier: nothing, only the registry's verdicts).
 */
export function renderVerification(target: HTMLElement, v: Verification | null, errors: GqlError[], byIdentifier = false): void {
  if (!v) {
    replace(
      target,
      (byIdentifier && identifierProblem(errors)) || h('p', { class: 'error', role: 'alert' }, `${t('actionFailed')}: ${errors[0]?.message ?? ''}`),
    );
    return;
  }
  const verdict = (key: 'integrity' | 'certStatus' | 'issuer', value: Verdict) =>
    h('li', { 'data-verdict': key, class: value.ok ? 'hint ok' : 'hint bad' }, `${value.ok ? '✔' : '✘'} ${t(key)}: ${value.message}`);
  replace(
    target,
    h(
      'p',
      { class: v.valid ? 'hint ok overall' : 'error overall', role: v.valid ? 'status' : 'alert', 'data-valid': String(v.valid) },
      v.valid ? t('genuine') : t('notGenuine'),
    ),
    h('ul', { class: 'verdicts' }, verdict('integrity', v.integrity), verdict('certStatus', v.status), verdict('issuer', v.issuer)),
    h('h2', {}, `${t('claims')}${v.certificateType ? ` — ${v.certificateType}` : ''}`),
    byIdentifier ? h('p', { class: 'hint', id: 'claims' }, t('identifierNoClaims')) : claimList(v.claims, { class: 'card', id: 'claims' }),
  );
}

/**
 * What a scanned verification link asks: a certificate's QR code carries a link to its verification
 * page (/verify?id=…: the verdict and a masked holder, never the claims), a holder's QR code a link
 * to a presentation they made (/verify?p=…: the claims they chose). It is opened here, at this
 * gateway, whatever host the link names — a code never sends the reader to another site. Null for
 * anything that is not such a link.
 */
export function verificationLink(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (!/^https?:$/.test(url.protocol) || !url.pathname.endsWith('/verify')) return null;
  const ref = url.searchParams.get('p');
  if (ref) return `/verify?p=${encodeURIComponent(ref)}`;
  const id = url.searchParams.get('id');
  return id ? `/verify?id=${encodeURIComponent(id)}` : null;
}

/**
 * The public verification page: paste or scan a certificate, or type or paste its identifier, and see
 * the three verdicts in plain words and what it says. No sign-in.
 */
export function renderVerify(root: HTMLElement): void {
  const credential = h('textarea', { id: 'credential', rows: '5', spellcheck: 'false', autocomplete: 'off', required: true });
  const result = h('section', { id: 'verification', 'aria-live': 'polite' });
  const check = async () => {
    const value = credential.value.trim();
    if (value === '') return;
    // The previous answer goes at once: it must never be read as this one's.
    replace(result);
    const identifier = identifierOf(value);
    if (identifier) {
      const answer = await graphql<{ verifyCertificateIdentifier: Verification }>(VERIFY_IDENTIFIER, { identifier });
      renderVerification(result, answer.data?.verifyCertificateIdentifier ?? null, answer.errors, true);
      return;
    }
    const answer = await graphql<{ verifyCertificate: Verification }>(VERIFY, { credential: value });
    renderVerification(result, answer.data?.verifyCertificate ?? null, answer.errors);
  };
  const form = h(
    'form',
    { class: 'lookup', id: 'verify-form' },
    h('label', { for: 'credential' }, t('credential'), credential),
    h('button', { type: 'submit' }, t('verify')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void check();
  });
  const reader = qrReader('verify-scan', (text) => {
    const link = verificationLink(text);
    if (link) {
      location.assign(link);
      return;
    }
    if (/^https?:\/\//i.test(text)) {
      replace(result, h('p', { class: 'error', role: 'alert' }, t('foreignLink')));
      return;
    }
    credential.value = text;
    void check();
  });
  replace(root, h('h1', {}, t('verifyTitle')), h('p', { class: 'hint' }, t('verifyHelp')), reader, form, result);
  credential.focus();
}
