import { describe, expect, it } from '@jest/globals';
import { readCatalogFiles } from '../catalog/catalog-files.js';
import { readCertificateTypes } from '../certificates/certificate-types.js';
import {
  evaluate,
  guidanceNames,
  guidanceOf,
  itemsToRead,
  judgeRequirement,
  questionsWorthAsking,
  recordsFact,
  requirementsOf,
  type PartyEvidence,
  type RecordsFact,
} from './guidance.js';
import { readOneThings } from './one-thing-catalog.js';
import type { OneThingDefinition } from './one-thing-definition.js';

const files = readCatalogFiles();
const things = readOneThings({ matters: files.matters, dataItems: files.dataItems, certificateTypes: readCertificateTypes(files).map((t) => t.code) });
const thing = (code: string) => things.find((t) => t.code === code)!;
const names = (code: string) =>
  guidanceNames(thing(code), { matters: files.matters, dataItems: files.dataItems, certificateTypes: readCertificateTypes(files) });
/** A code a Chinese reason must not show: a role (CHILD, CO_OWNER), a reason (CONSENT_MISSING) or a data item (person.identity). */
const CODE = /\b[A-Z_]{4,}\b|[a-z]+\.[a-z_]+/;

async function asked(code: string, answers: Record<string, string>, records: RecordsFact = {}, parties: string[] = []) {
  const evaluation = await evaluate(thing(code), answers, records, parties);
  return { evaluation, questions: (await questionsWorthAsking(thing(code), answers, evaluation, records, parties)).map((q) => q.key) };
}

describe('the supermarket funnel', () => {
  it('asks the three questions first, and each answer changes the matters and requirements as declared', async () => {
    const start = await asked('SUPERMARKET_OPENING', {});
    expect(start.questions).toEqual(['size', 'trade', 'foodOnSite']);
    expect([...start.evaluation.matters.keys()]).toEqual(['SUPERMARKET_BRANCH_REGISTRATION', 'SUPERMARKET_TAX_REGISTRATION']);

    const small = await asked('SUPERMARKET_OPENING', { size: 'SMALL', trade: 'RETAIL', foodOnSite: 'NO' });
    const large = await asked('SUPERMARKET_OPENING', { size: 'LARGE', trade: 'WHOLESALE', foodOnSite: 'YES' });
    expect(small.questions).toEqual([]);
    expect([...small.evaluation.matters.keys()]).toEqual(['SUPERMARKET_BRANCH_REGISTRATION', 'SUPERMARKET_TAX_REGISTRATION', 'SUPERMARKET_FOOD_FILING']);
    expect([...large.evaluation.matters.keys()]).toEqual([
      'SUPERMARKET_BRANCH_REGISTRATION',
      'SUPERMARKET_TAX_REGISTRATION',
      'SUPERMARKET_FOOD_LICENCE',
      'SUPERMARKET_FIRE_INSPECTION',
      'SUPERMARKET_SIGNBOARD',
      'SUPERMARKET_GENERAL_TAXPAYER',
    ]);
    // Wholesale adds the warehouse to the store's registration, by a rule whose name is kept.
    expect(requirementsOf(thing('SUPERMARKET_OPENING'), large.evaluation).get('SUPERMARKET_BRANCH_REGISTRATION')).toContain('WAREHOUSE_PROOF');
    expect([...large.evaluation.added.get('SUPERMARKET_BRANCH_REGISTRATION')!.values()][0]![0]!.nameZh).toBe('批发业务需仓储场所证明');
  });
});

describe('question pruning', () => {
  it("does not ask who inherits until there is a home to inherit; the records' answer removes the first question", async () => {
    const none = await asked('DECEASED', {});
    expect(none.questions).toEqual(['ownsProperty']);
    const owned = await asked('DECEASED', { ownsProperty: 'YES' });
    expect(owned.questions).toEqual(['heirs']);
    expect(await asked('DECEASED', { ownsProperty: 'NO' })).toMatchObject({ questions: [] });

    const records = { DECEASED: { 'property.rights': { certificateNumber: 'YUE(2008)HZ-0120033', areaSqm: 78.2 } } };
    const byRecords = await asked('DECEASED', {}, records, ['DECEASED', 'APPLICANT']);
    expect(byRecords.questions).toEqual(['heirs']);
    expect(byRecords.evaluation.answers).toEqual({ ownsProperty: 'YES' });
    expect(byRecords.evaluation.matters.has('DECEASED_PROPERTY_INHERITANCE')).toBe(true);
  });

  it("asks nothing the newborn's parents' records answer: one household, the child joins it", async () => {
    const household = { householdNumber: '330825-004417', status: 'ACTIVE', address: '12 Rongchang Road' };
    const records = { MOTHER: { 'household.registration': household }, FATHER: { 'household.registration': household } };
    const { evaluation, questions } = await asked('NEWBORN', {}, records, ['CHILD', 'MOTHER', 'FATHER']);
    expect(questions).toEqual([]);
    expect(evaluation.answers).toEqual({ householdOf: 'MOTHER' });
    expect(evaluation.answeredByRecords.get('householdOf')![0]!.nameZh).toBe('父母同户，新生儿在本户落户');
    // Without a case nothing is read: the question is asked.
    expect((await asked('NEWBORN', {})).questions).toEqual(['householdOf']);
    // Two households: the records do not say, and the answer changes the requirement.
    const apart = { ...records, FATHER: { 'household.registration': { ...household, householdNumber: '330825-009999' } } };
    expect((await asked('NEWBORN', {}, apart, ['CHILD', 'MOTHER', 'FATHER'])).questions).toEqual(['householdOf']);
  });

  it('drops a question whose options all lead to the same outcome, and a matter a dropMatter rule drops', async () => {
    const base = thing('SUPERMARKET_OPENING');
    const copy = JSON.parse(JSON.stringify(base)) as OneThingDefinition;
    // "trade" no longer changes anything; "size" SMALL drops the tax registration.
    copy.rules = copy.rules.filter((r) => !JSON.stringify(r.conditions).includes('$.trade'));
    copy.form.fields = copy.form.fields.filter((f) => f.key !== 'trade');
    copy.rules.push({
      name: 'A small store is taxed with its enterprise',
      nameZh: '小型门店随企业申报',
      conditions: { all: [{ fact: 'answers', path: '$.size', operator: 'equal', value: 'SMALL' }] },
      event: { type: 'dropMatter', params: { code: 'SUPERMARKET_TAX_REGISTRATION' } },
    });
    const evaluation = await evaluate(copy, { size: 'SMALL' }, {}, []);
    expect((await questionsWorthAsking(copy, { size: 'SMALL' }, evaluation, {}, [])).map((q) => q.key)).toEqual(['foodOnSite']);
    expect(evaluation.matters.has('SUPERMARKET_TAX_REGISTRATION')).toBe(false);
    expect(evaluation.dropped.get('SUPERMARKET_TAX_REGISTRATION')![0]!.name).toBe('A small store is taxed with its enterprise');
  });
});

describe('requirements and the form', () => {
  const party = (role: string, items: Record<string, unknown[] | string>, extra: Partial<PartyEvidence> = {}): PartyEvidence => ({
    role,
    subjectId: role,
    items: new Map<string, PartyEvidence['items'] extends ReadonlyMap<string, infer O> ? O : never>(
      Object.entries(items).map(([item, value]) =>
        typeof value === 'string' ? [item, { kind: 'denied' as const, reason: value }] : [item, { kind: 'records' as const, records: value }],
      ),
    ),
    certificates: [],
    relationProven: false,
    ...extra,
  });

  it("the utilities' transfers need nothing the property transfer does not already need", async () => {
    const sale = thing('HOUSE_SALE');
    const evaluation = await evaluate(sale, { gasConnected: 'YES', sellerMaritalStatus: 'MARRIED' }, {}, []);
    const per = requirementsOf(sale, evaluation);
    const transfer = new Set(per.get('HOUSE_SALE_PROPERTY_TRANSFER'));
    for (const utility of ['HOUSE_SALE_WATER_TRANSFER', 'HOUSE_SALE_POWER_TRANSFER', 'HOUSE_SALE_GAS_TRANSFER']) {
      expect(per.get(utility)!.filter((code) => !transfer.has(code))).toEqual([]);
    }
    const guidance = guidanceOf(sale, evaluation, [], { caseId: null, parties: [] }, {}, names('HOUSE_SALE'));
    // Deduplicated: each requirement once, naming every matter that needs it.
    expect(guidance.requirements.filter((r) => r.code === 'PROPERTY_TITLE')).toHaveLength(1);
    expect(guidance.requirements.find((r) => r.code === 'PROPERTY_TITLE')!.matters).toHaveLength(5);
    // Without a case nothing is read, and the reasons say so.
    expect(guidance.requirements.find((r) => r.code === 'PROPERTY_TITLE')).toMatchObject({ status: 'TO_BRING' });
    expect(guidance.requirements.find((r) => r.code === 'PROPERTY_TITLE')!.reasons.map((r) => r.text)).toContain(
      'No case: no record was read. Open a case with the parties to check the records',
    );
  });

  it('judges each present party: data, then a certificate, else to bring with the reason', () => {
    const requirement = thing('NEWBORN').requirements.find((r) => r.code === 'PARENTS_IDENTITY')!;
    const both = [party('MOTHER', { 'person.identity': [{ name: 'Li Wei' }] }), party('FATHER', { 'person.identity': [{ name: 'Zhang Hao' }] })];
    expect(judgeRequirement(requirement, { caseId: 'c', parties: both }, names('NEWBORN')).status).toBe('BY_DATA');
    const denied = [both[0]!, party('FATHER', { 'person.identity': 'CONSENT_MISSING' })];
    const judged = judgeRequirement(requirement, { caseId: 'c', parties: denied }, names('NEWBORN'));
    expect(judged.status).toBe('TO_BRING');
    expect(judged.reasons).toEqual([
      { text: 'Mother: proven by the resident identity record read under the case', textZh: '母亲：已通过案件下调取的居民身份信息数据核验' },
      {
        text: "Father: the citizen's consent is required, so the resident identity record was not read; to bring",
        textZh: '父亲：需要本人授权，未调取其居民身份信息数据，需提交材料',
      },
    ]);
    const unanswered = party('FATHER', {}, { items: new Map([['person.identity', { kind: 'failed', department: 'PUBLIC_SECURITY' }]]) });
    expect(judgeRequirement(requirement, { caseId: 'c', parties: [unanswered] }, names('NEWBORN')).reasons[0]!.textZh).toBe(
      '父亲：公安局未应答，未取得其居民身份信息数据，需提交材料',
    );
    expect(judgeRequirement(requirement, { caseId: 'c', parties: [party('FATHER', {})] }, names('NEWBORN')).reasons[0]!.textZh).toBe(
      '父亲：未查到其居民身份信息数据，需提交材料',
    );
    // Only the mother in the case: only she needs it covered.
    expect(judgeRequirement(requirement, { caseId: 'c', parties: [both[0]!] }, names('NEWBORN')).status).toBe('BY_DATA');

    const marriage = thing('NEWBORN').requirements.find((r) => r.code === 'PARENTS_MARRIAGE')!;
    const certified = party('MOTHER', { 'marriage.registration': [] }, { certificates: [{ type: 'MARRIAGE_CERTIFICATE', identifier: 'cert-1' }] });
    expect(judgeRequirement(marriage, { caseId: 'c', parties: [certified] }, names('NEWBORN'))).toMatchObject({
      status: 'BY_CERTIFICATE',
      certificates: ['cert-1'],
      reasons: [{ text: 'Mother: holds a valid marriage certificate', textZh: '母亲：持有有效的结婚证电子证照' }],
    });
    const kinship = thing('DECEASED').requirements.find((r) => r.code === 'KINSHIP')!;
    expect(judgeRequirement(kinship, { caseId: 'c', parties: [party('APPLICANT', {}, { relationProven: true })] }, names('DECEASED')).status).toBe('BY_DATA');
  });

  it('words every Chinese reason with names, never a role, item or reason code', async () => {
    for (const one of things) {
      const roles = [...names(one.code).roles.keys()];
      const readable = (role: string) => files.matters.find((m) => m.code === one.caseMatter)!.parties.find((p) => p.role === role)!.dataItems;
      // Each role's items in turn released, withheld and unanswered, so every kind of reason is worded.
      const parties = roles.map((role, r) => {
        const items = itemsToRead(one, role, readable(role));
        return party(
          role,
          {},
          {
            items: new Map(
              items.map((item, i): [string, PartyEvidence['items'] extends ReadonlyMap<string, infer O> ? O : never] => {
                const kind = (r + i) % 3;
                return [
                  item,
                  kind === 0
                    ? { kind: 'records', records: [{ name: 'Li Wei' }] }
                    : kind === 1
                      ? { kind: 'denied', reason: 'CONSENT_MISSING' }
                      : { kind: 'failed', department: 'PUBLIC_SECURITY' },
                ];
              }),
            ),
          },
        );
      });
      const records = recordsFact(parties);
      const evaluation = await evaluate(one, {}, records, roles);
      const guidance = guidanceOf(one, evaluation, [], { caseId: 'c', parties }, records, names(one.code));
      const zh = [
        ...guidance.matters.flatMap((m) => m.reasons),
        ...guidance.requirements.flatMap((r) => r.reasons),
        ...guidance.form.fields.flatMap((f) => (f.reason ? [f.reason] : [])),
      ].map((r) => r.textZh);
      expect(zh.length).toBeGreaterThan(0);
      expect(zh.filter((text) => CODE.test(text))).toEqual([]);
    }
  });

  it('fills the form from records and answers, and reads only what the one thing names for a role', async () => {
    const newborn = thing('NEWBORN');
    const records = { MOTHER: { 'person.identity': { name: 'Li Wei', idNumber: '330825198803142023' } } };
    const evaluation = await evaluate(newborn, { householdOf: 'FATHER' }, records, ['MOTHER']);
    const fields = guidanceOf(newborn, evaluation, [], { caseId: 'c', parties: [] }, records, names('NEWBORN')).form.fields;
    expect(fields.find((f) => f.key === 'motherName')).toMatchObject({
      value: 'Li Wei',
      valueSource: 'RECORD',
      prefilled: true,
      reason: { text: "From the mother's resident identity record", textZh: '取自母亲的居民身份信息数据' },
    });
    expect(fields.find((f) => f.key === 'householdOf')).toMatchObject({ value: 'FATHER', valueSource: 'ANSWER', prefilled: true, options: expect.any(Array) });
    expect(fields.find((f) => f.key === 'phone')).toMatchObject({ value: null, valueSource: 'TYPED', prefilled: false });
    expect(itemsToRead(newborn, 'FATHER', ['person.identity', 'household.registration', 'marriage.registration'])).toEqual([
      'household.registration',
      'person.identity',
    ]);
    expect(itemsToRead(newborn, 'CHILD', ['person.identity', 'household.registration', 'birth.medical_certificate'])).toEqual([
      'birth.medical_certificate',
      'person.identity',
    ]);
  });
});
