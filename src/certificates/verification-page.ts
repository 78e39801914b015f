import type { VerificationResult } from './credential/verify-credential.js';

/** What the public verification page shows. */
export type VerificationPageInput = { state: 'unknown' } | { state: 'verified'; result: VerificationResult };

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escape(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function verdict(title: string, titleZh: string, ok: boolean, message: string, extra = ''): string {
  return `<section class="verdict ${ok ? 'ok' : 'failed'}"><h2>${escape(titleZh)} · ${escape(title)}: ${ok ? '✔ 通过 passed' : '✘ 未通过 failed'}</h2><p>${escape(message)}${extra}</p></section>`;
}

function claimRows(claims: Record<string, unknown>): string {
  const rows = Object.entries(claims).map(([name, value]) => `<tr><th scope="row">${escape(name)}</th><td>${escape(typeof value === 'string' ? value : JSON.stringify(value))}</td></tr>`);
  return rows.length === 0 ? '' : `<table><caption>证照信息 Claims</caption><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The server-rendered verification page: plain HTML with no script and no inline style (the
 * response's CSP forbids both), readable on any phone that scanned the QR code.
 */
export function verificationPage(input: VerificationPageInput): string {
  let body: string;
  if (input.state === 'unknown') {
    body = '<p role="alert">No certificate with this identifier is registered. 未找到该电子证照。</p>';
  } else {
    const r = input.result;
    body =
      `<p role="status" class="overall ${r.valid ? 'ok' : 'failed'}"><strong>${r.valid ? '有效 · This certificate is valid.' : '无效 · This certificate is NOT valid.'}</strong></p>` +
      `<dl><dt>Identifier 证照标识</dt><dd>${escape(r.identifier ?? '—')}</dd><dt>Type 证照类型</dt><dd>${escape(r.certificateType ?? '—')}</dd></dl>` +
      verdict('Integrity', '完整性', r.integrity.ok, r.integrity.message) +
      verdict('Status', '状态', r.status.ok, r.status.message, ` (${escape(r.status.state)})`) +
      verdict('Issuer', '签发机关', r.issuer.ok, r.issuer.message, r.issuer.department ? ` (${escape(r.issuer.department)})` : '') +
      claimRows(r.claims);
  }
  body += '<p><a href="/console/verify">Verify another certificate · 核验其他证照</a></p>';
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>onegate · 电子证照核验 Certificate verification</title></head><body><main><h1>电子证照核验 · Certificate verification</h1>${body}</main></body></html>`;
}
