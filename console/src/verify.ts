import { graphql } from './api.js';
import { h, replace } from './dom.js';
import { t } from './i18n.js';

interface Verdict {
  ok: boolean;
  message: string;
  reason: string | null;
}

interface Verification {
  valid: boolean;
  certificateType: string | null;
  identifier: string | null;
  claims: Record<string, unknown>;
  integrity: Verdict;
  status: Verdict & { state: string };
  issuer: Verdict & { department: string | null };
}

const VERIFY = `query($credential: String!) { verifyCertificate(credential: $credential) {
  valid certificateType identifier claims
  integrity { ok message reason } status { ok message reason state } issuer { ok message reason department } } }`;

/** The public verification page: paste a certificate, see the three verdicts in plain words and what it says. No sign-in. */
export function renderVerify(root: HTMLElement): void {
  const credential = h('textarea', { id: 'credential', rows: '5', spellcheck: 'false', autocomplete: 'off', required: true });
  const result = h('section', { id: 'verification', 'aria-live': 'polite' });
  const form = h('form', { class: 'lookup', id: 'verify-form' }, h('label', { for: 'credential' }, t('credential'), credential), h('button', { type: 'submit' }, t('verify')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const answer = await graphql<{ verifyCertificate: Verification }>(VERIFY, { credential: credential.value.trim() });
    const v = answer.data?.verifyCertificate;
    if (!v) {
      replace(result, h('p', { class: 'error', role: 'alert' }, `${t('actionFailed')}: ${answer.errors[0]?.message ?? ''}`));
      return;
    }
    const verdict = (key: 'integrity' | 'certStatus' | 'issuer', value: Verdict) =>
      h('li', { 'data-verdict': key, class: value.ok ? 'hint ok' : 'hint bad' }, `${t(key)}: ${value.message}`);
    replace(
      result,
      h('p', { id: 'overall', class: v.valid ? 'hint ok' : 'error', role: v.valid ? undefined : 'alert' }, v.valid ? t('genuine') : t('notGenuine')),
      h('ul', {}, verdict('integrity', v.integrity), verdict('certStatus', v.status), verdict('issuer', v.issuer)),
      h('h2', {}, `${t('claims')}${v.certificateType ? ` — ${v.certificateType}` : ''}`),
      h('dl', { class: 'card', id: 'claims' }, ...Object.entries(v.claims).flatMap(([k, value]) => [h('dt', {}, k), h('dd', {}, typeof value === 'string' ? value : JSON.stringify(value))])),
    );
  });
  replace(root, h('h1', {}, t('verifyTitle')), form, result);
  credential.focus();
}
