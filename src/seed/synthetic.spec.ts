import { parseCreditCode } from '../common/identifiers/credit-code.js';
import { parseIdNumber } from '../common/identifiers/id-number.js';
import { DEMO_CITIZENS, DEMO_ENTERPRISES } from './demo-citizens.js';
import { emptyDepartmentRows, type DepartmentRows, type DepartmentTable } from './department-rows.js';
import { copyText, demoDepartmentRows } from './seed.js';
import { generateDepartmentRows, SeededRandom, SYNTHETIC_EARLIEST_BIRTH, SYNTHETIC_TODAY } from './synthetic.js';

// Fixed clock for parseIdNumber, after every synthetic and demo date.
const NOW = new Date('2026-11-22T00:00:00Z');
const CITIZENS = 20_000;

function collect(citizens: number, seed: string, batchSize?: number): DepartmentRows {
  const all = emptyDepartmentRows();
  for (const batch of generateDepartmentRows({ citizens, seed, batchSize })) {
    for (const table of Object.keys(all) as DepartmentTable[]) {
      (all[table] as unknown[]).push(...batch[table]);
    }
  }
  return all;
}

function expectUnique(values: readonly string[], what: string) {
  const seen = new Set<string>();
  const duplicates = values.filter((value) => seen.has(value) || !seen.add(value));
  expect({ what, duplicates: duplicates.slice(0, 5) }).toEqual({ what, duplicates: [] });
}

/** Runs `problem` on every item and expects no item to have one; failures list the first few. */
function expectNone<T>(items: readonly T[], problem: (item: T) => string | null) {
  const problems: Array<{ item: T; problem: string }> = [];
  for (const item of items) {
    const found = problem(item);
    if (found !== null && problems.length < 5) problems.push({ item, problem: found });
  }
  expect(problems).toEqual([]);
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

describe('SeededRandom', () => {
  it('repeats for a seed and differs between seeds', () => {
    const draw = (seed: string) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 5 }, () => random.next());
    };
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).not.toEqual(draw('b'));
    for (const value of draw('range')) expect(value >= 0 && value < 1).toBe(true);
  });
});

describe('generateDepartmentRows', () => {
  const rows = collect(CITIZENS, 'onegate');
  const residents = new Map(rows.resident.map((r) => [r.idNumber, r]));

  it('generates exactly the number of citizens asked for', () => {
    expect(rows.resident).toHaveLength(CITIZENS);
    expect(collect(0, 'onegate').resident).toHaveLength(0);
    expect(collect(1, 'onegate').resident).toHaveLength(1);
    expect(collect(37, 'x').resident).toHaveLength(37);
  });

  it('is deterministic: the same seed gives the same rows, a longer run extends a shorter one', () => {
    const again = collect(2_000, 'onegate', 500);
    const first = collect(2_000, 'onegate', 700);
    expect(again).toEqual(first);
    // Apart from the closing household, a shorter run is a prefix of a longer one.
    expect(rows.resident.slice(0, 1_900)).toEqual(first.resident.slice(0, 1_900));
    expect(rows.householdMember.slice(0, 1_900)).toEqual(first.householdMember.slice(0, 1_900));
  });

  it('differs between seeds', () => {
    const other = collect(200, 'another seed');
    expect(other.resident.slice(0, 20)).not.toEqual(rows.resident.slice(0, 20));
  });

  it('gives every person a valid, unique ID number that agrees with their birth date and sex', () => {
    expectUnique(
      rows.resident.map((r) => r.idNumber),
      'resident id numbers',
    );
    expectNone(rows.resident, (resident) => {
      const parsed = parseIdNumber(resident.idNumber, NOW);
      if (!parsed.ok) return parsed.message;
      if (parsed.birthDate !== resident.birthDate || parsed.sex !== resident.sex) return 'birth date or sex differs from the ID number';
      if (resident.birthDate < SYNTHETIC_EARLIEST_BIRTH || resident.birthDate > SYNTHETIC_TODAY) return 'birth date out of range';
      return resident.registeredOn < resident.birthDate ? 'registered before birth' : null;
    });
  });

  it('never hands out a demo person’s ID number, credit code or record number', () => {
    for (const citizen of DEMO_CITIZENS) expect(residents.has(citizen.idNumber)).toBe(false);
    const demo = demoDepartmentRows();
    const keys: Array<[string, (r: DepartmentRows) => string[]]> = [
      ['households', (r) => r.household.map((h) => h.householdNumber)],
      ['marriages', (r) => r.marriageRegistration.map((m) => m.certificateNumber)],
      ['properties', (r) => r.property.map((p) => p.certificateNumber)],
      ['accounts', (r) => r.insuranceAccount.map((a) => a.accountNumber)],
      ['births', (r) => r.birthCertificate.map((b) => b.medicalCertificateNumber)],
      ['deaths', (r) => r.deathCertificate.map((d) => d.medicalCertificateNumber)],
      ['enterprises', (r) => r.enterprise.map((e) => e.creditCode)],
      ['licences', (r) => r.licence.map((l) => l.licenceNumber)],
    ];
    for (const [what, key] of keys) expectUnique([...key(demo), ...key(rows)], what);
  });

  it('keeps every primary and unique key unique', () => {
    expectUnique(
      rows.household.map((h) => h.householdNumber),
      'household numbers',
    );
    expectUnique(
      rows.householdMember.map((m) => `${m.householdNumber} ${m.idNumber}`),
      'household memberships',
    );
    expectUnique(
      rows.marriageRegistration.map((m) => m.certificateNumber),
      'marriage certificates',
    );
    expectUnique(
      rows.maritalStatus.map((m) => m.idNumber),
      'marital statuses',
    );
    expectUnique(
      rows.property.map((p) => p.certificateNumber),
      'property certificates',
    );
    expectUnique(
      rows.propertyOwner.map((o) => `${o.certificateNumber} ${o.idNumber}`),
      'property owners',
    );
    expectUnique(
      rows.insuranceAccount.map((a) => a.accountNumber),
      'insurance accounts',
    );
    expectUnique(
      rows.insuranceAccount.map((a) => a.idNumber),
      'insurance account holders',
    );
    expectUnique(
      rows.birthCertificate.map((b) => b.medicalCertificateNumber),
      'birth certificates',
    );
    expectUnique(
      rows.birthCertificate.map((b) => b.childIdNumber!),
      'birth certificate children',
    );
    expectUnique(
      rows.deathCertificate.map((d) => d.idNumber),
      'death certificates',
    );
    expectUnique(
      rows.enterprise.map((e) => e.creditCode),
      'credit codes',
    );
    expectUnique(
      rows.licence.map((l) => l.licenceNumber),
      'licence numbers',
    );
  });

  it('gives every enterprise a valid credit code and a living, generated legal representative', () => {
    expect(rows.enterprise.length).toBeGreaterThan(0);
    expectNone(rows.enterprise, (enterprise) => {
      const parsed = parseCreditCode(enterprise.creditCode);
      if (!parsed.ok) return parsed.message;
      const representative = residents.get(enterprise.legalRepresentativeIdNumber);
      if (representative?.idCardStatus !== 'ACTIVE') return 'legal representative missing or dead';
      return enterprise.registeredOn <= representative.birthDate ? 'registered before the representative was born' : null;
    });
    const enterprises = new Set(rows.enterprise.map((e) => e.creditCode));
    expectNone(rows.licence, (licence) => (enterprises.has(licence.creditCode) ? null : 'unknown enterprise'));
  });

  it('registers every resident in exactly one active household, with one active head each', () => {
    const households = new Set(rows.household.map((h) => h.householdNumber));
    const collective = new Set(rows.household.filter((h) => h.householdType === 'COLLECTIVE').map((h) => h.householdNumber));
    expect(collective.size).toBeGreaterThan(0);
    expectNone(rows.householdMember, (member) => {
      if (!households.has(member.householdNumber) || !residents.has(member.idNumber)) return 'unknown household or resident';
      if ((member.leftOn === null) !== (member.status === 'ACTIVE')) return 'left_on does not match the status';
      if (member.leftOn !== null && member.leftOn < member.joinedOn) return 'left before joining';
      return (member.relationToHead === 'COLLECTIVE_MEMBER') !== collective.has(member.householdNumber)
        ? 'collective membership does not match the household type'
        : null;
    });
    const memberships = groupBy(rows.householdMember, (m) => m.idNumber);
    expectNone(rows.resident, (resident) => {
      const active = (memberships.get(resident.idNumber) ?? []).filter((m) => m.status === 'ACTIVE').length;
      return active === (resident.idCardStatus === 'ACTIVE' ? 1 : 0) ? null : `${active} active households`;
    });
    const heads = rows.householdMember.filter((m) => m.relationToHead === 'HEAD' && m.status === 'ACTIVE');
    expectUnique(
      heads.map((m) => m.householdNumber),
      'active heads',
    );
  });

  it('marries living people to each other under one registered certificate', () => {
    const registrations = new Set(rows.marriageRegistration.map((m) => m.certificateNumber));
    const statuses = new Map(rows.maritalStatus.map((m) => [m.idNumber, m]));
    expectNone(rows.maritalStatus, (status) => {
      if (!registrations.has(status.certificateNumber)) return 'unregistered certificate';
      if (residents.get(status.idNumber)?.idCardStatus !== 'ACTIVE') return 'not a living resident';
      if (status.status !== 'MARRIED') return status.spouseIdNumber === null ? null : 'unmarried with a spouse';
      const spouse = statuses.get(status.spouseIdNumber!);
      if (spouse?.status !== 'MARRIED' || spouse.spouseIdNumber !== status.idNumber) return 'spouse does not point back';
      if (spouse.certificateNumber !== status.certificateNumber) return 'spouses under different certificates';
      return residents.get(spouse.idNumber)!.sex === residents.get(status.idNumber)!.sex ? 'same-sex marriage' : null;
    });
    for (const kind of ['MARRIED', 'DIVORCED', 'WIDOWED']) {
      expect(rows.maritalStatus.some((m) => m.status === kind)).toBe(true);
    }
  });

  it('gives properties owners who exist; joint owners are spouses or late spouses', () => {
    const owners = groupBy(rows.propertyOwner, (o) => o.certificateNumber);
    const deaths = new Map(rows.deathCertificate.map((d) => [d.idNumber, d]));
    expectNone(rows.property, (property) => {
      const holders = (owners.get(property.certificateNumber) ?? []).map((o) => residents.get(o.idNumber));
      if (holders.some((h) => h === undefined)) return 'owner is not a resident';
      if (property.share === 'SOLE' ? holders.length !== 1 : holders.length < 2) return `${holders.length} owners of a ${property.share} property`;
      if (property.share === 'JOINT' && holders[0]!.sex === holders[1]!.sex) return 'joint owners are not a couple';
      if (Number(property.areaSqm.toFixed(2)) !== property.areaSqm) return 'area has more than two decimals';
      const alive = holders.every(
        (h) => property.registeredOn > h!.birthDate && property.registeredOn <= (deaths.get(h!.idNumber)?.dateOfDeath ?? SYNTHETIC_TODAY),
      );
      return alive ? null : 'registered while an owner was not alive';
    });
    expect(rows.property.some((p) => p.share === 'JOINT')).toBe(true);
  });

  it('records births with parents who exist, and children registered in the data set', () => {
    expect(rows.birthCertificate.length).toBeGreaterThan(0);
    expectNone(rows.birthCertificate, (birth) => {
      const child = residents.get(birth.childIdNumber!);
      if (child?.name !== birth.childName || child.sex !== birth.sex || child.birthDate !== birth.birthDate) return 'child differs from the register';
      const mother = residents.get(birth.motherIdNumber);
      if (mother?.sex !== 'F' || mother.birthDate >= birth.birthDate) return 'no plausible mother';
      if (birth.fatherIdNumber === null) return null;
      const father = residents.get(birth.fatherIdNumber);
      return father?.sex !== 'M' || father.birthDate >= birth.birthDate ? 'no plausible father' : null;
    });
    expect(rows.birthCertificate.filter((b) => b.fatherIdNumber !== null).length).toBeGreaterThan(rows.birthCertificate.length / 2);
  });

  it("names children's parents in the register: residents of the right sex, older than the child, as on the birth certificate", () => {
    const births = new Map(rows.birthCertificate.map((b) => [b.childIdNumber!, b]));
    expectNone(rows.resident, (person) => {
      for (const [idNumber, sex] of [
        [person.fatherIdNumber, 'M'],
        [person.motherIdNumber, 'F'],
      ] as const) {
        if (idNumber === null) continue;
        const parent = residents.get(idNumber);
        if (parent === undefined) return 'a named parent is not a resident';
        if (parent.sex !== sex) return 'a named parent has the wrong sex';
        if (parent.birthDate >= person.birthDate) return 'a named parent is not older than the child';
      }
      const birth = births.get(person.idNumber);
      if (birth === undefined) return null;
      return birth.motherIdNumber === person.motherIdNumber && birth.fatherIdNumber === person.fatherIdNumber
        ? null
        : 'the register and the birth certificate name different parents';
    });
    // Both parents, a mother only (a divorced mother's children), a father only (a divorced father's, or the head with a widowed father).
    const named = (r: (typeof rows.resident)[number]) => [r.fatherIdNumber !== null, r.motherIdNumber !== null].join();
    const kinds = groupBy(rows.resident, named);
    expect(kinds.get('true,true')!.length).toBeGreaterThan(CITIZENS * 0.2);
    expect(kinds.get('false,true')!.length).toBeGreaterThan(0);
    expect(kinds.get('true,false')!.length).toBeGreaterThan(0);
    // The widowed parent living with the head is the one the head's record names.
    const heads = new Map(rows.householdMember.filter((m) => m.relationToHead === 'HEAD').map((m) => [m.householdNumber, m.idNumber]));
    const parents = rows.householdMember.filter((m) => m.relationToHead === 'FATHER' || m.relationToHead === 'MOTHER');
    expect(parents.length).toBeGreaterThan(0);
    expectNone(parents, (member) => {
      const head = residents.get(heads.get(member.householdNumber)!)!;
      const named = member.relationToHead === 'FATHER' ? head.fatherIdNumber : head.motherIdNumber;
      return named === member.idNumber ? null : "the head's record does not name the parent living with them";
    });
  });

  it('shows each death in every department', () => {
    const deaths = new Map(rows.deathCertificate.map((d) => [d.idNumber, d]));
    const accounts = new Map(rows.insuranceAccount.map((a) => [a.idNumber, a]));
    const statuses = new Set(rows.maritalStatus.map((m) => m.idNumber));
    const memberships = groupBy(rows.householdMember, (m) => m.idNumber);
    expect(deaths.size).toBeGreaterThan(0);
    expect(deaths.size).toBeLessThan(CITIZENS * 0.1);
    expectNone(rows.resident, (resident) => {
      const death = deaths.get(resident.idNumber);
      if ((resident.idCardStatus === 'CANCELLED_DECEASED') !== Boolean(death)) return 'identity card status disagrees with the death record';
      if (!death) return null;
      if (death.dateOfDeath <= resident.birthDate || death.dateOfDeath > SYNTHETIC_TODAY) return 'implausible date of death';
      if (accounts.get(resident.idNumber)?.status !== 'SEALED_DECEASED') return 'insurance account not sealed';
      if (statuses.has(resident.idNumber)) return 'still has a marital status';
      const open = memberships.get(resident.idNumber)!.filter((m) => m.status !== 'CANCELLED_DECEASED' || m.leftOn !== death.dateOfDeath);
      return open.length > 0 ? 'household entry not cancelled on the date of death' : null;
    });
    expectNone(rows.insuranceAccount, (account) => {
      if (!residents.has(account.idNumber)) return 'holder is not a resident';
      if ((account.status === 'SEALED_DECEASED') !== deaths.has(account.idNumber)) return 'sealed iff dead';
      return account.contributionMonths < 0 ? 'negative contribution months' : null;
    });
  });
});

describe('demo rows', () => {
  const demo = demoDepartmentRows();

  it('carry every demo person and the demo enterprise', () => {
    expect(demo.resident.map((r) => r.idNumber)).toEqual(DEMO_CITIZENS.map((c) => c.idNumber));
    expect(demo.enterprise.map((e) => e.creditCode)).toEqual(DEMO_ENTERPRISES.map((e) => e.creditCode));
    for (const resident of demo.resident) expect(parseIdNumber(resident.idNumber, NOW).ok).toBe(true);
    for (const enterprise of demo.enterprise) expect(parseCreditCode(enterprise.creditCode).ok).toBe(true);
  });

  it('keep the demo stories intact', () => {
    const liWei = '330825198803142023';
    const zhangHao = '330825198611021315';
    expect(demo.maritalStatus.filter((m) => m.certificateNumber === 'J330825-2014-001288')).toEqual([
      { idNumber: liWei, status: 'MARRIED', spouseIdNumber: zhangHao, certificateNumber: 'J330825-2014-001288' },
      { idNumber: zhangHao, status: 'MARRIED', spouseIdNumber: liWei, certificateNumber: 'J330825-2014-001288' },
    ]);
    expect(demo.propertyOwner.filter((o) => o.certificateNumber === 'ZJ(2019)LY-0031552').map((o) => o.idNumber)).toEqual([liWei, zhangHao]);
    expect(demo.householdMember.find((m) => m.idNumber === '440105194002290556')).toMatchObject({
      status: 'CANCELLED_DECEASED',
      leftOn: '2026-10-01',
    });
    expect(demo.resident.find((r) => r.idNumber === '440105194002290556')?.idCardStatus).toBe('CANCELLED_DECEASED');
    expect(demo.household.find((h) => h.householdNumber === '320113-COLL-0007')?.householdType).toBe('COLLECTIVE');
  });

  it("name Zhang Xiaoyu's parents and Chen Lan's father, and nobody else's", () => {
    const parents = demo.resident.filter((r) => r.fatherIdNumber !== null || r.motherIdNumber !== null);
    expect(parents.map((r) => [r.name, r.fatherIdNumber, r.motherIdNumber])).toEqual([
      ['Zhang Xiaoyu', '330825198611021315', '330825198803142023'],
      ['Chen Lan', '440105194002290556', null],
    ]);
    const birth = demo.birthCertificate.find((b) => b.childIdNumber === '330825202609180842')!;
    expect([birth.fatherIdNumber, birth.motherIdNumber]).toEqual(['330825198611021315', '330825198803142023']);
  });
});

describe('copyText', () => {
  it('escapes what COPY text format reserves', () => {
    expect(copyText(null)).toBe('\\N');
    expect(copyText(96.4)).toBe('96.4');
    expect(copyText('plain')).toBe('plain');
    expect(copyText('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyText('\\N')).toBe('\\\\N');
  });
});
