import type { CertificateIdentifierProblem } from './certificate-identifier.js';
import type { StatusState, VerificationResult } from './credential/verify-credential.js';

/** A name in both languages: Chinese first, English below. */
export interface BilingualName {
  zh: string;
  en: string;
}

/** What the public page may show of a verified certificate: never its claims, unless the holder presented them. */
export interface VerifiedCertificatePage {
  state: 'verified';
  result: VerificationResult;
  type: BilingualName | null;
  issuer: BilingualName | null;
  /** Already masked (李*, 3308**********2023). */
  holder: { name: string | null; id: string } | null;
  /** The claims of a presentation the holder made; null on the registry page (`/verify?id=`). */
  disclosed: Record<string, unknown> | null;
}

/** What the public verification page shows. `malformed`: `/verify?id=` with an identifier that is not one. */
export type VerificationPageInput =
  | { state: 'unknown' }
  | { state: 'malformed'; problem: CertificateIdentifierProblem }
  | { state: 'link-expired' }
  | { state: 'rate-limited'; retryAfterSeconds: number }
  | VerifiedCertificatePage;

/**
 * Why an identifier is not one, for people: a wrong shape (the parts of GB/T 36904, or a credit code
 * in them) or a check character that does not match (a typing mistake or an alteration). The
 * identifier itself is never repeated.
 */
export const IDENTIFIER_PROBLEMS: Record<CertificateIdentifierProblem, { kind: 'shape' | 'check'; zh: string; en: string }> = {
  FORMAT: {
    kind: 'shape',
    zh: '电子证照标识由“1.2.156.3005.2.证照类型代码.颁发机构代码.流水号.版本号.校验位”组成（GB/T 36904-2018）。',
    en: 'A certificate identifier reads 1.2.156.3005.2.type code.issuer code.serial.version.check (GB/T 36904-2018).',
  },
  TYPE_CODE: {
    kind: 'shape',
    zh: '其中的证照类型代码不是有效的统一社会信用代码加三位类型序号。',
    en: 'Its type code is not a valid unified social credit code followed by a 3-digit type number.',
  },
  ISSUER_CODE: {
    kind: 'shape',
    zh: '其中的颁发机构代码不是有效的统一社会信用代码。',
    en: 'Its issuer code is not a valid unified social credit code.',
  },
  CHECK_CHARACTER: {
    kind: 'check',
    zh: '标识可能输入有误或被改动，请核对后重试。',
    en: 'It was mistyped or altered: check it and try again.',
  },
};

/** The headline of each kind of problem, Chinese and English. */
export const IDENTIFIER_PROBLEM_HEADLINES: Record<'shape' | 'check', BilingualName> = {
  shape: { zh: '证照标识格式不正确', en: 'This is not a valid certificate identifier.' },
  check: { zh: '证照标识校验位不符', en: "The identifier's check character does not match." },
};

/** The page's response headers: its own stylesheet and nothing else, never cached or framed. */
export const VERIFICATION_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; img-src 'self' data:; style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escape(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Chinese first, English below it (smaller), as one block. */
function both(zh: string, en: string): string {
  return `${escape(zh)}<span class="en" lang="en">${escape(en)}</span>`;
}

const STATUS: Record<StatusState, BilingualName> = {
  VALID: { zh: '有效', en: 'Valid' },
  REVOKED: { zh: '已撤销', en: 'Revoked' },
  SUSPENDED: { zh: '已中止', en: 'Suspended' },
  EXPIRED: { zh: '已过期', en: 'Expired' },
  NOT_YET_VALID: { zh: '尚未生效', en: 'Not yet valid' },
  UNKNOWN: { zh: '无法确认', en: 'Could not be checked' },
};

/** Chinese labels of the claims certificates carry; others show their name. */
const CLAIM_LABELS: Record<string, string> = {
  name: '姓名',
  idNumber: '公民身份号码',
  sex: '性别',
  birthDate: '出生日期',
  maritalStatus: '婚姻状况',
  spouseIdNumber: '配偶身份号码',
  registeredOn: '登记日期',
  registrationOffice: '登记机关',
  marriageCertificateNumber: '结婚证字号',
  householdNumber: '户号',
  address: '住址',
  relationToHead: '与户主关系',
  certificateNumber: '证书编号',
  areaSqm: '面积（平方米）',
  share: '共有情况',
  accountNumber: '社保账号',
  contributionMonths: '缴费月数',
  creditCode: '统一社会信用代码',
  enterpriseName: '企业名称',
  registrationStatus: '登记状态',
};

/** Coded values in Chinese, the code below. */
const VALUE_LABELS: Record<string, Record<string, string>> = {
  maritalStatus: { MARRIED: '已婚', DIVORCED: '离婚', WIDOWED: '丧偶', UNMARRIED: '未婚' },
  sex: { M: '男', F: '女' },
};

function claimValue(name: string, value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const zh = VALUE_LABELS[name]?.[text];
  return zh ? both(zh, text) : escape(text);
}

function fact(zh: string, en: string, value: string, attrs = ''): string {
  return `<div${attrs}><dt>${both(zh, en)}</dt><dd>${value}</dd></div>`;
}

function check(zh: string, en: string, ok: boolean, message: string): string {
  return `<li class="${ok ? 'ok' : 'failed'}"><span aria-hidden="true">${ok ? '✔' : '✘'}</span> ${escape(zh)} <span lang="en">${escape(en)}</span>: ${ok ? '通过' : '未通过'}<small lang="en">${escape(message)}</small></li>`;
}

function disclosedClaims(claims: Record<string, unknown>): string {
  const rows = Object.entries(claims).map(
    ([name, value]) => `<div><dt>${CLAIM_LABELS[name] ? both(CLAIM_LABELS[name], name) : escape(name)}</dt><dd>${claimValue(name, value)}</dd></div>`,
  );
  return (
    `<section class="disclosed" aria-labelledby="disclosed-title"><h2 id="disclosed-title">${both('持证人出示的信息', 'Shown by the holder')}</h2>` +
    (rows.length === 0 ? `<p>${both('持证人未选择出示任何信息。', 'The holder chose to show no claims.')}</p>` : `<dl class="facts">${rows.join('')}</dl>`) +
    '</section>'
  );
}

function verified(page: VerifiedCertificatePage): string {
  const r = page.result;
  const status = STATUS[r.status.state];
  return (
    `<section class="verdict ${r.valid ? 'ok' : 'failed'}" role="status" data-valid="${r.valid}">` +
    `<p class="verdict-zh"><span aria-hidden="true">${r.valid ? '✔' : '✘'}</span> ${r.valid ? '证照有效' : '证照无效'}</p>` +
    `<p class="verdict-en" lang="en">${r.valid ? 'This certificate is valid.' : 'This certificate is NOT valid.'}</p></section>` +
    '<dl class="facts">' +
    fact('状态', 'Status', both(status.zh, status.en), ` class="${r.status.ok ? 'ok' : 'failed'}" data-fact="status"`) +
    fact('签发机关', 'Issuer', page.issuer ? both(page.issuer.zh, page.issuer.en) : '—', ' data-fact="issuer"') +
    fact('证照类型', 'Type', page.type ? both(page.type.zh, page.type.en) : '—', ' data-fact="type"') +
    fact('持证人', 'Holder', page.holder ? [page.holder.name, page.holder.id].filter(Boolean).map(escape).join(' · ') : '—', ' data-fact="holder"') +
    fact('证照标识', 'Identifier', `<span class="identifier">${escape(r.identifier ?? '—')}</span>`) +
    '</dl>' +
    (page.disclosed
      ? disclosedClaims(page.disclosed)
      : `<p class="note">${both('证照内容仅在持证人出示时显示。', 'The contents are shown only when the holder presents them.')}</p>`) +
    `<details class="checks"><summary>${both('核验明细', 'Checks')}</summary><ul>` +
    check('完整性', 'Integrity', r.integrity.ok, r.integrity.message) +
    check('状态', 'Status', r.status.ok, r.status.message) +
    check('签发机关', 'Issuer', r.issuer.ok, r.issuer.message) +
    '</ul></details>'
  );
}

/**
 * The server-rendered verification page: plain HTML with no script and no inline style (the
 * response's CSP forbids both; the stylesheet is /verify.css), readable on any phone that scanned
 * the QR code, 375 px wide included. It shows the verdict, status, issuer, type and a masked holder;
 * claims only from a presentation the holder made.
 */
export function verificationPage(input: VerificationPageInput): string {
  let body: string;
  if (input.state === 'malformed') {
    const problem = IDENTIFIER_PROBLEMS[input.problem];
    const headline = IDENTIFIER_PROBLEM_HEADLINES[problem.kind];
    body =
      `<section class="verdict failed" role="alert" data-problem="${problem.kind}"><p class="verdict-zh">${escape(headline.zh)}</p><p class="verdict-en" lang="en">${escape(headline.en)}</p></section>` +
      `<p class="note">${both(problem.zh, problem.en)}</p>`;
  } else if (input.state === 'unknown') {
    body = `<section class="verdict failed" role="alert"><p class="verdict-zh">未找到该电子证照</p><p class="verdict-en" lang="en">No certificate with this identifier is registered.</p></section>`;
  } else if (input.state === 'rate-limited') {
    // Not a verdict on the certificate: a notice, in neither the valid green nor the invalid red.
    const s = Math.max(1, Math.round(input.retryAfterSeconds));
    body = `<section class="verdict notice" role="alert"><p class="verdict-zh">核验请求过于频繁，请 ${s} 秒后刷新本页</p><p class="verdict-en" lang="en">Too many verifications from this address. Reload this page in ${s} s.</p></section>`;
  } else if (input.state === 'link-expired') {
    body = `<section class="verdict failed" role="alert"><p class="verdict-zh">该核验链接无效或已过期</p><p class="verdict-en" lang="en">This verification link is unknown or has expired. Ask the holder for a new QR code.</p></section>`;
  } else {
    body = verified(input);
  }
  body += `<p class="more"><a href="/console/verify">${both('核验其他证照', 'Verify another certificate')}</a></p>`;
  return (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<link rel="icon" href="data:,"><link rel="stylesheet" href="/verify.css"><title>电子证照核验 · Certificate verification</title></head>' +
    `<body><main><h1>${both('电子证照核验', 'Certificate verification')}</h1>${body}</main></body></html>`
  );
}

/** The page's stylesheet: phone first, nothing wider than the screen. */
export const VERIFICATION_PAGE_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;line-height:1.5;color:#1b1f24;background:#f4f6f8}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.1rem;margin:0 0 1rem;color:#44505c}
h2{font-size:1rem;margin:0 0 .5rem}
.en{display:block;font-size:.8em;color:#5b6670;font-weight:normal}
.verdict{border-radius:.75rem;padding:1.25rem 1rem;margin:0 0 1rem;color:#fff;text-align:center}
.verdict.ok{background:#1a7f37}
.verdict.failed{background:#c62828}
.verdict.notice{background:#6b4e00}
.verdict p{margin:0}
.verdict-zh{font-size:2rem;font-weight:700;line-height:1.25}
.verdict-en{font-size:1rem;opacity:.95;margin-top:.25rem!important}
.facts{margin:0 0 1rem;background:#fff;border-radius:.75rem;padding:.25rem 1rem}
.facts div{display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:.6rem 0;border-bottom:1px solid #e3e7eb}
.facts div:last-child{border-bottom:0}
.facts dt{flex:0 0 7.5rem;color:#44505c}
.facts dd{flex:1 1 12rem;margin:0;min-width:0;overflow-wrap:anywhere;font-weight:600}
.facts .ok dd{color:#1a7f37}
.facts .failed dd{color:#c62828}
.identifier{font-family:ui-monospace,monospace;font-weight:normal;font-size:.85rem}
.disclosed{background:#fff;border-radius:.75rem;padding:1rem;margin:0 0 1rem}
.disclosed .facts{padding:0;margin:0}
.note{color:#44505c;font-size:.9rem}
.checks{background:#fff;border-radius:.75rem;padding:.75rem 1rem;margin:0 0 1rem}
.checks summary{cursor:pointer;font-weight:600}
.checks ul{list-style:none;margin:.5rem 0 0;padding:0}
.checks li{padding:.4rem 0;overflow-wrap:anywhere}
.checks li.ok>span:first-child{color:#1a7f37}
.checks li.failed>span:first-child{color:#c62828}
.checks small{display:block;color:#5b6670}
.more a{color:#0b57d0}
`;
