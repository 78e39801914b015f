import { graphql } from './api.js';
import { sameKey, verifyCheckpointNote, type VerifiedCheckpoint } from './checkpoint.js';
import { h, replace } from './dom.js';
import { fromBase64, verifyConsistency, verifyInclusion } from './merkle.js';
import { t } from './i18n.js';

interface Entry {
  index: number;
  at: string;
  kind: string;
  outcome: string;
  matter: string | null;
  caseNumber: string | null;
  consentRef: string | null;
  itemsGranted: string[];
  itemsDenied: string[];
  departments: string[];
  leafHash: string;
  actor: { kind: string; id: string; hall: string | null; department: string | null };
  subject: { kind: string; id: string } | null;
}

interface Checkpoint {
  treeSize: number;
  rootHash: string;
  timestamp: string;
}

/** The checkpoint kept from the last check, with the vkey it was verified against (absent when kept by an older console). */
interface SeenCheckpoint extends Checkpoint {
  vkey?: string;
}

const ENTRY =
  'index at kind outcome matter caseNumber consentRef itemsGranted itemsDenied departments leafHash actor { kind id hall department } subject { kind id }';
const SEARCH = `query($filter: AuditEntryFilter, $first: Int, $after: String, $last: Int, $before: String) { auditEntries(filter: $filter, first: $first, after: $after, last: $last, before: $before) { edges { node { ${ENTRY} } } pageInfo { startCursor endCursor hasNextPage hasPreviousPage } } }`;
const PAGE = 20;

interface EntryPage {
  edges: Array<{ node: Entry }>;
  pageInfo: { startCursor: string | null; endCursor: string | null; hasNextPage: boolean; hasPreviousPage: boolean };
}

/** Where a page starts: the newest entries, older ones after a cursor, or newer ones before it. */
type PageFrom = null | { after: string } | { before: string };
const CHECKPOINT = '{ ledgerCheckpoint { treeSize rootHash timestamp note } ledgerPublicKey { vkey } }';
const SEEN_KEY = 'onegate.auditor.checkpoint';

/** The auditor's screen: unusual access, ledger search, an entry with its inclusion proof checked here, and the ledger's consistency. */
export async function renderAuditor(root: HTMLElement): Promise<void> {
  const flags = h('section', { id: 'flags' });
  const results = h('section', { id: 'entries', 'aria-live': 'polite' });
  const details = h('section', { id: 'entry', 'aria-live': 'polite' });
  const ledger = h('section', { id: 'ledger', 'aria-live': 'polite' });

  const field = (id: string, label: string) => {
    const input = h('input', { id, autocomplete: 'off' });
    return { input, label: h('label', { for: id }, label, input) };
  };
  const subject = field('audit-subject', t('subject'));
  const hall = field('audit-hall', t('hall'));
  const matter = field('audit-matter', t('matter'));
  const caseNumber = field('audit-case', t('caseNumber'));
  const outcome = h(
    'select',
    { id: 'audit-outcome' },
    h('option', { value: '' }, t('any')),
    ...['GRANTED', 'PARTIAL', 'DENIED', 'FAILED'].map((o) => h('option', { value: o }, o)),
  );
  const form = h(
    'form',
    { class: 'lookup', id: 'audit-search' },
    subject.label,
    hall.label,
    matter.label,
    caseNumber.label,
    h('label', { for: 'audit-outcome' }, t('outcome'), outcome),
    h('button', { type: 'submit' }, t('search')),
  );
  const search = async (from: PageFrom) => {
    const filter: Record<string, string> = {};
    for (const [key, input] of [
      ['subject', subject.input],
      ['hall', hall.input],
      ['matter', matter.input],
      ['caseNumber', caseNumber.input],
    ] as const) {
      if (input.value.trim()) filter[key] = input.value.trim();
    }
    if (outcome.value) filter.outcome = outcome.value;
    // Cursors only when there is one; backward (a Relay `last`/`before` page) to go back to newer entries.
    const paging = from && 'before' in from ? { last: PAGE, before: from.before } : { first: PAGE, ...(from ? { after: from.after } : {}) };
    const answer = await graphql<{ auditEntries: EntryPage }>(SEARCH, { filter, ...paging });
    renderEntries(
      results,
      answer.data?.auditEntries ?? null,
      answer.errors[0]?.message,
      (entry) => void renderEntry(details, entry),
      (page) => void search(page),
    );
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void search(null);
  });
  const verify = h('button', { type: 'button', id: 'verify-ledger', class: 'secondary' }, t('verifyLedger'));
  verify.addEventListener('click', () => void verifyLedger(ledger));

  replace(root, h('h1', {}, t('auditorTitle')), flags, h('h2', {}, t('search')), form, results, details, h('p', {}, verify), ledger);
  await renderFlags(flags);
}

async function renderFlags(section: HTMLElement): Promise<void> {
  const answer = await graphql<{ auditFlags: Array<{ kind: string; description: string; count: number; actor: { id: string; hall: string | null } }> }>(
    '{ auditFlags { kind description count actor { id hall } } }',
  );
  const flags = answer.data?.auditFlags ?? [];
  replace(
    section,
    h('h2', {}, t('flags')),
    flags.length === 0
      ? h('p', { class: 'hint' }, t('noFlags'))
      : h('ul', {}, ...flags.map((f) => h('li', { 'data-flag': f.kind }, `${f.description} (${f.actor.hall ?? f.actor.id}, ${f.count})`))),
  );
}

function renderEntries(
  section: HTMLElement,
  page: EntryPage | null,
  error: string | undefined,
  open: (entry: Entry) => void,
  go: (from: PageFrom) => void,
): void {
  if (!page) {
    replace(section, h('p', { class: 'error', role: 'alert' }, `${t('actionFailed')}: ${error ?? ''}`));
    return;
  }
  const rows = page.edges.map(({ node }) => {
    const button = h('button', { type: 'button', class: 'link', 'data-entry': String(node.index) }, t('details'));
    button.addEventListener('click', () => open(node));
    return h(
      'tr',
      {},
      h('td', {}, String(node.index)),
      h('td', {}, new Date(node.at).toLocaleString()),
      h('td', {}, [node.actor.kind, node.actor.id, node.actor.hall ?? node.actor.department].filter(Boolean).join(' · ')),
      h('td', {}, node.subject?.id ?? ''),
      h('td', {}, [node.kind, node.matter, node.caseNumber].filter(Boolean).join(' · ')),
      h('td', {}, node.outcome),
      h('td', {}, button),
    );
  });
  const { startCursor, endCursor, hasNextPage, hasPreviousPage } = page.pageInfo;
  const newer = hasPreviousPage && startCursor ? h('button', { type: 'button', class: 'secondary', id: 'previous-page' }, t('previousPage')) : null;
  newer?.addEventListener('click', () => go({ before: startCursor! }));
  const more = hasNextPage && endCursor ? h('button', { type: 'button', class: 'secondary', id: 'next-page' }, t('nextPage')) : null;
  more?.addEventListener('click', () => go({ after: endCursor! }));
  replace(
    section,
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h('tr', {}, ...(['index', 'when', 'actor', 'subject', 'why', 'outcome'] as const).map((k) => h('th', { scope: 'col' }, t(k))), h('th', {}, '')),
      ),
      h('tbody', {}, ...rows),
    ),
    newer,
    more,
  );
}

async function renderEntry(section: HTMLElement, entry: Entry): Promise<void> {
  const facts: Array<[string, string]> = [
    [t('index'), String(entry.index)],
    [t('when'), new Date(entry.at).toLocaleString()],
    [t('actor'), [entry.actor.kind, entry.actor.id, entry.actor.hall ?? entry.actor.department].filter(Boolean).join(' · ')],
    [t('subject'), entry.subject ? `${entry.subject.kind} ${entry.subject.id}` : ''],
    [t('why'), [entry.kind, entry.matter, entry.caseNumber].filter(Boolean).join(' · ')],
    [t('items'), entry.itemsGranted.join(', ')],
    [t('itemsDenied'), entry.itemsDenied.join(', ')],
    [t('departments'), entry.departments.join(', ')],
    [t('consentRef'), entry.consentRef ?? ''],
    [t('outcome'), entry.outcome],
    ['leaf', entry.leafHash],
  ];
  const proof = h('p', { id: 'inclusion', class: 'hint' }, '…');
  replace(
    section,
    h('h2', {}, `${t('entry')} ${entry.index}`),
    h('dl', { class: 'card' }, ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    proof,
  );
  const signed = await signedCheckpoint();
  if ('error' in signed) {
    proof.textContent = `${t('actionFailed')}: ${signed.error}`;
    return;
  }
  if ('problem' in signed) {
    proof.className = 'hint bad';
    proof.textContent = `${t('signatureBad')}: ${signed.problem}`;
    return;
  }
  const cp = signed.verified;
  if (entry.index >= cp.treeSize) {
    proof.textContent = t('notYetCheckpointed');
    return;
  }
  const answer = await graphql<{ ledgerInclusionProof: { leafHash: string; hashes: string[] } }>(
    'query($i: Int!, $n: Int!) { ledgerInclusionProof(index: $i, treeSize: $n) { leafHash hashes } }',
    { i: entry.index, n: cp.treeSize },
  );
  const got = answer.data?.ledgerInclusionProof;
  // The leaf hash is the entry's own (as listed), not the proof's word for it.
  const ok =
    got !== undefined && (await verifyInclusion(entry.index, cp.treeSize, fromBase64(entry.leafHash), got.hashes.map(fromBase64), fromBase64(cp.rootHash)));
  proof.className = ok ? 'hint ok' : 'hint bad';
  proof.textContent = `${ok ? t('inclusionOk') : t('inclusionBad')} (${t('treeSize')} ${cp.treeSize})`;
}

/**
 * The newest checkpoint with its signature checked here against the ledger's published vkey: the
 * size and root shown and proved against are the signed note's, and must be the ones the gateway
 * states beside it.
 */
async function signedCheckpoint(): Promise<{ error: string } | { problem: string; vkey: string } | { verified: VerifiedCheckpoint; vkey: string }> {
  const answer = await graphql<{ ledgerCheckpoint: Checkpoint & { note: string }; ledgerPublicKey: { vkey: string } }>(CHECKPOINT);
  const cp = answer.data?.ledgerCheckpoint;
  const vkey = answer.data?.ledgerPublicKey.vkey;
  if (!cp || !vkey) return { error: answer.errors[0]?.message ?? '' };
  try {
    const verified = await verifyCheckpointNote(cp.note, vkey);
    if (verified.treeSize !== cp.treeSize || verified.rootHash !== cp.rootHash) return { problem: t('signedFieldsDiffer'), vkey };
    return { verified, vkey };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error), vkey };
  }
}

/** The checkpoint kept from the last check, its size as a number whatever was stored (sizes compare as numbers, never as text). */
function seenCheckpoint(): SeenCheckpoint | null {
  try {
    const value = JSON.parse(localStorage.getItem(SEEN_KEY) ?? 'null') as Partial<SeenCheckpoint> | null;
    const treeSize = Number(value?.treeSize);
    if (!value || !Number.isSafeInteger(treeSize) || treeSize < 0 || typeof value.rootHash !== 'string') return null;
    return { treeSize, rootHash: value.rootHash, timestamp: String(value.timestamp ?? ''), ...(typeof value.vkey === 'string' ? { vkey: value.vkey } : {}) };
  } catch {
    return null;
  }
}

const FORM_LABELS = { ed25519: 'formEd25519', cosignature: 'formCosignature' } as const;

async function verifyLedger(section: HTMLElement): Promise<void> {
  const signed = await signedCheckpoint();
  if ('error' in signed) {
    replace(section, h('p', { class: 'error', role: 'alert' }, `${t('actionFailed')}: ${signed.error}`));
    return;
  }
  if ('problem' in signed) {
    // Nothing of an unsigned or mis-signed checkpoint is shown as the ledger's, nor kept.
    replace(
      section,
      h('h2', {}, t('checkpoint')),
      h('p', { id: 'checkpoint-signature', class: 'hint bad', role: 'alert' }, `${t('signatureBad')}: ${signed.problem}`),
    );
    return;
  }
  const { verified, vkey } = signed;
  const signedAt = verified.timestamp === null ? null : new Date(verified.timestamp * 1000);
  const cp: SeenCheckpoint = { treeSize: verified.treeSize, rootHash: verified.rootHash, timestamp: signedAt?.toISOString() ?? '', vkey };
  const forms = verified.signedWith.map((form) => t(FORM_LABELS[form])).join(' + ');
  const signature = h('p', { id: 'checkpoint-signature', class: 'hint ok' }, `${t('signatureOk')}: ${forms}`);
  const seen = seenCheckpoint();
  let verdict: HTMLElement;
  if (!seen) {
    verdict = h('p', { id: 'consistency', class: 'hint' }, t('firstSeen'));
  } else if (seen.vkey !== undefined && !sameKey(seen.vkey, vkey)) {
    // Another key signs now: a consistency proof would only say what that key's holder wants.
    verdict = h('p', { id: 'consistency', class: 'hint bad', role: 'alert' }, t('keyChanged'));
  } else if (seen.treeSize > cp.treeSize) {
    // The ledger only grows: a newest checkpoint smaller than one seen before is a rollback, not a fresh start.
    verdict = h('p', { id: 'consistency', class: 'hint bad', role: 'alert' }, `${t('inconsistent')} ${t('ledgerShrank')} ${seen.treeSize} → ${cp.treeSize}`);
  } else {
    const proof = await graphql<{ ledgerConsistencyProof: { hashes: string[] } }>(
      'query($a: Int!, $b: Int!) { ledgerConsistencyProof(fromSize: $a, toSize: $b) { hashes } }',
      { a: seen.treeSize, b: cp.treeSize },
    );
    const hashes = proof.data?.ledgerConsistencyProof.hashes;
    const ok =
      hashes !== undefined && (await verifyConsistency(seen.treeSize, cp.treeSize, fromBase64(seen.rootHash), fromBase64(cp.rootHash), hashes.map(fromBase64)));
    verdict = h(
      'p',
      { id: 'consistency', class: ok ? 'hint ok' : 'hint bad', role: ok ? undefined : 'alert' },
      ok ? `${t('consistentWith')} ${seen.treeSize}` : t('inconsistent'),
    );
  }
  // Only a checkpoint that checked out (or the first) becomes the one to compare with next time.
  if (!verdict.classList.contains('bad')) localStorage.setItem(SEEN_KEY, JSON.stringify(cp));
  replace(
    section,
    h('h2', {}, t('checkpoint')),
    h(
      'dl',
      { class: 'card' },
      h('dt', {}, t('treeSize')),
      h('dd', { id: 'checkpoint-size' }, String(cp.treeSize)),
      h('dt', {}, t('when')),
      h('dd', {}, signedAt?.toLocaleString() ?? ''),
      h('dt', {}, t('rootHash')),
      h('dd', {}, h('code', {}, cp.rootHash)),
    ),
    signature,
    verdict,
  );
}
