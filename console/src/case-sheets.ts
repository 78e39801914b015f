import type { Me } from './api.js';
import { materialParty, matterLabel, partyName, roleLabel, roleOf, type CaseData, type CaseMaterialLine, type PartyRead } from './case-model.js';
import { h } from './dom.js';
import { caseErrorText, currentLang, departmentName, inParens, inSentence, labelled, relationWords, t, tf, type LabelKey } from './i18n.js';
import { itemsOfRole, recordsOf, shownValue, type RecordData, type ItemSpec } from './party-records.js';

export type SheetKind = 'verification' | 'notice';

/** What a sheet is made from: the case as shown at the window, its parties' reads, and the clerk. */
export interface SheetContext {
  data: CaseData;
  reads: PartyRead[];
  clerk: Me;
}

let closeOpen: (() => void) | null = null;

/** Removes a sheet that is open (the window's "next customer"). */
export function closeCaseSheet(): void {
  closeOpen?.();
  document.getElementById('print-sheet')?.remove();
  document.body.classList.remove('printing');
}

/**
 * One of the case's two sheets on an A4 page over the window — 数据核验单 (what was verified from
 * which department's records, with each read's ledger entry) or 一次性告知单 (everything the
 * applicant must still bring, once) — with Print and Back; printed alone (print styles hide the console).
 */
export function openCaseSheet(kind: SheetKind, context: SheetContext): void {
  const page =
    kind === 'verification'
      ? h('article', { class: 'sheet', id: 'verification-sheet' }, ...verificationSheet(context))
      : h('article', { class: 'sheet', id: 'notice-sheet' }, ...noticeSheet(context));
  openSheet(kind, page);
}

/**
 * A sheet (an A4 page: an `article.sheet` with an element `#sheet-title`) over the window, with
 * Print and Back (Esc); a page holding `#notice-incomplete` cannot be printed.
 */
export function openSheet(kind: string, page: HTMLElement): void {
  closeCaseSheet();
  const opener = document.activeElement as HTMLElement | null;
  const back = h('button', { type: 'button', class: 'secondary', id: 'sheet-back' }, `${t('back')}${inParens('Esc')}`);
  const print = h('button', { type: 'button', id: 'sheet-print' }, t('print'));
  const sheet = h(
    'div',
    { class: 'print-sheet case-sheet', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'sheet-title', id: 'print-sheet', 'data-sheet': kind },
    h('div', { class: 'no-print actions sheet-tools' }, print, back),
    page,
  );
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape') close();
  };
  const close = () => {
    closeOpen = null;
    sheet.remove();
    document.body.classList.remove('printing');
    document.removeEventListener('keydown', onKey);
    if (opener && document.contains(opener)) opener.focus();
  };
  closeOpen = close;
  back.addEventListener('click', close);
  print.addEventListener('click', () => window.print());
  document.addEventListener('keydown', onKey);
  document.body.classList.add('printing');
  document.body.append(sheet);
  // A notice that is not complete is not to be printed.
  if (page.querySelector('#notice-incomplete')) {
    print.disabled = true;
    back.focus();
  } else print.focus();
}

export function today(): string {
  return new Date().toLocaleDateString(currentLang() === 'zh' ? 'zh-CN' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric' });
}

/** The sheet's title and the case it is for: number, matter, hall, date, clerk. */
function sheetHead(context: SheetContext, title: LabelKey): HTMLElement[] {
  const { data, clerk } = context;
  const hall = (currentLang() === 'zh' ? data.hallNameZh : data.hallName) ?? data.hall;
  const row = (label: LabelKey, value: string, id?: string) => h('tr', {}, h('th', { scope: 'row' }, t(label)), h('td', { id }, value));
  return [
    h('header', { class: 'sheet-head' }, h('p', { class: 'sheet-hall' }, hall), h('h1', { id: 'sheet-title' }, t(title))),
    h(
      'table',
      { class: 'sheet-facts' },
      h(
        'tbody',
        {},
        row('caseNumberLabel', data.caseNumber, 'sheet-case-number'),
        row('matter', matterLabel(data.matter)),
        row('caseHall', hall),
        row('sheetDate', today()),
        row('sheetClerk', clerk.id, 'sheet-clerk'),
      ),
    ),
  ];
}

/** A one-time notice's list of what the records or certificates already cover (nothing when empty), each with how. */
export function coveredSection<T>(covered: readonly T[], item: (covered: T) => HTMLElement, coveredBy: (covered: T) => string): HTMLElement | null {
  if (covered.length === 0) return null;
  return h(
    'section',
    { class: 'notice-covered' },
    h('h2', {}, t('noticeCoveredTitle')),
    h(
      'ul',
      {},
      ...covered.map((c) => {
        const li = item(c);
        li.append(h('span', { class: 'covered-by' }, ` — ${coveredBy(c)}`));
        return li;
      }),
    ),
  );
}

export function signatures(): HTMLElement {
  return h(
    'div',
    { class: 'signatures' },
    h('p', {}, labelled(t('signatureClerk'), ''), h('span', { class: 'line' })),
    h('p', {}, labelled(t('signatureApplicant'), ''), h('span', { class: 'line' })),
    h('p', {}, labelled(t('sheetDate'), ''), h('span', { class: 'line short' })),
  );
}

/** A record's fields as one line of "label: value" (the sheet's "as recorded" column). */
function recordLine(record: RecordData, spec: ItemSpec): string {
  const zh = currentLang() === 'zh';
  return spec.show
    .map((shown) => {
      const value = shownValue(record, shown);
      return value === null ? null : labelled(t(shown.label), value);
    })
    .filter((part) => part !== null)
    .join(zh ? '；' : '; ');
}

/** 数据核验单: per party, each item verified from the records, its department, and the read's ledger entry. */
function verificationSheet(context: SheetContext): HTMLElement[] {
  const { data, reads } = context;
  const parties = data.parties.map((party, index) => {
    const read = reads[index]!;
    const role = roleOf(data, party.role);
    const kind = role?.kind ?? (party.creditCode ? 'ENTERPRISE' : 'PERSON');
    const id = party.idNumber ?? party.creditCode ?? '';
    const name = partyName(read);
    const heading = [name, roleLabel(role, party.role), `${t(kind === 'ENTERPRISE' ? 'creditCode' : 'idNumberOf')} ${id}`].filter(Boolean).join(' · ');
    const basis: string[] = [];
    if (party.relation && party.relation.status !== 'NOT_REQUIRED') {
      const words = role?.relation ? relationWords(role.relation.type, role.relation.side) : null;
      const other = roleOf(data, party.relation.to);
      basis.push(
        labelled(
          t('relationLabel'),
          tf(`relation${party.relation.status}` as LabelKey, {
            to: inSentence(roleLabel(other, party.relation.to)),
            relation: words?.party ?? party.relation.type,
          }),
        ),
      );
    }
    basis.push(
      labelled(
        t('consentLabel'),
        party.consent.status === 'GIVEN' && party.consent.byRole
          ? tf('consentGIVEN_BY', { role: inSentence(roleLabel(roleOf(data, party.consent.byRole), party.consent.byRole)) })
          : t(`consent${party.consent.status}` as LabelKey),
      ),
    );
    const section = h('section', { class: 'sheet-party', 'data-role': party.role }, h('h2', {}, heading), h('p', { class: 'basis' }, basis.join('　')));
    const death = read.view?.death as { medicalCertificateNumber: string; date: string; place: string } | null | undefined;
    if (death) {
      section.append(
        h(
          'p',
          { class: 'deceased-line' },
          labelled(t('deceasedBanner'), tf('deceasedDetail', { number: death.medicalCertificateNumber, date: death.date, place: death.place })),
        ),
      );
    }
    if (read.state !== 'done' || read.error || !read.view) {
      const reason = read.error?.extensions?.reason ?? read.error?.extensions?.code ?? '';
      const why = caseErrorText(reason, { role: roleLabel(role, party.role) }) ?? t('sheetNothingReleased');
      section.append(h('p', { class: 'not-verified' }, tf('sheetNotVerified', { why })));
      return section;
    }
    const rows: HTMLElement[] = [];
    for (const spec of itemsOfRole(kind, role?.dataItems ?? [])) {
      const error = read.itemErrors.get(spec.field);
      if (error) {
        const why = caseErrorText(error.extensions?.reason ?? '', { role: roleLabel(role, party.role) }) ?? t('departmentFailed');
        rows.push(
          h('tr', { 'data-item': spec.field }, h('td', {}, t(spec.label)), h('td', { class: 'not-verified', colspan: '2' }, tf('sheetNotVerified', { why }))),
        );
        continue;
      }
      const records = recordsOf(read.view, spec);
      if (records.length === 0) {
        rows.push(h('tr', { 'data-item': spec.field }, h('td', {}, t(spec.label)), h('td', {}, t('noRecord')), h('td', {}, '')));
        continue;
      }
      for (const record of records) {
        rows.push(
          h(
            'tr',
            { 'data-item': spec.field },
            h('td', {}, t(spec.label)),
            h('td', {}, recordLine(record, spec)),
            h('td', {}, record.source ? departmentName(record.source.department) : ''),
          ),
        );
      }
    }
    section.append(
      h(
        'table',
        { class: 'sheet-items' },
        h(
          'thead',
          {},
          h('tr', {}, h('th', { scope: 'col' }, t('sheetItem')), h('th', { scope: 'col' }, t('sheetContent')), h('th', { scope: 'col' }, t('sheetSource'))),
        ),
        h('tbody', {}, ...rows),
      ),
    );
    const entry = read.view.ledgerEntry as { index: number; leafHash: string } | undefined;
    if (entry) {
      section.append(
        h(
          'p',
          { class: 'ledger-ref', 'data-ledger-index': String(entry.index) },
          labelled(t('sheetLedger'), ''),
          h('code', {}, tf('sheetLedgerRef', { index: entry.index, hash: entry.leafHash })),
        ),
      );
    }
    return section;
  });
  return [...sheetHead(context, 'verificationSheet'), ...parties, h('p', { class: 'sheet-note' }, t('sheetVerificationNote')), signatures()];
}

/** Lines once each per material and party: the same material for the same party is listed once. */
function distinct(lines: CaseMaterialLine[]): CaseMaterialLine[] {
  const seen = new Set<string>();
  return lines.filter((line) => {
    const key = `${line.code}|${line.idNumber ?? line.creditCode ?? `role:${line.role}`}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * 一次性告知单: every material still to bring, once (the case's TO_BRING lines by material and
 * party), or that nothing else is needed; then what the records already cover. A role no party fills
 * is listed only when the matter requires it (an optional role nobody takes needs no papers).
 */
function noticeSheet(context: SheetContext): HTMLElement[] {
  const { data, reads } = context;
  const zh = currentLang() === 'zh';
  const counts = (line: CaseMaterialLine) => data.parties.some((p) => p.role === line.role) || roleOf(data, line.role)?.required === true;
  const lines = data.materials.filter(counts);
  const toBring = distinct(lines.filter((m) => m.satisfied === 'TO_BRING'));
  const covered = distinct(lines.filter((m) => m.satisfied === 'BY_DATA' || m.satisfied === 'BY_CERTIFICATE'));
  const item = (m: CaseMaterialLine) =>
    h(
      'li',
      { 'data-material': m.code, 'data-role': m.role },
      h('span', { class: 'material-name' }, (zh && m.nameZh) || m.name),
      h('span', { class: 'material-who' }, tf('noticeFor', { who: materialParty(data, reads, m) })),
    );
  // A department that did not answer leaves its materials "to bring": the notice would ask for papers the records may hold.
  const silent = [
    ...new Set(
      reads.flatMap((read) =>
        [...read.itemErrors.values(), ...(read.error ? [read.error] : [])]
          .filter((e) => (e.extensions?.code ?? '').startsWith('DEPARTMENT_') || e.extensions?.code === 'GATEWAY_UNREACHABLE')
          .map((e) => (e.extensions?.department ? departmentName(e.extensions.department) : t('someDepartment'))),
      ),
    ),
  ];
  return [
    silent.length > 0
      ? h(
          'p',
          { class: 'sheet-warning no-print', role: 'alert', id: 'notice-incomplete' },
          tf('noticeIncomplete', { departments: silent.join(zh ? '、' : ', ') }),
        )
      : null,
    ...sheetHead(context, 'noticeSheet'),
    h('p', { class: 'notice-intro' }, tf(toBring.length > 0 ? 'noticeIntro' : 'noticeIntroNone', { matter: matterLabel(data.matter), case: data.caseNumber })),
    toBring.length > 0
      ? h('ol', { id: 'notice-list', class: 'notice-list' }, ...toBring.map(item))
      : h('p', { id: 'notice-none', class: 'notice-none' }, t('noticeNone')),
    coveredSection(covered, item, (m) => t(m.satisfied === 'BY_DATA' ? 'byData' : 'byCertificate')),
    signatures(),
  ].filter((el): el is HTMLElement => el !== null);
}
