import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCertificateIdentifier } from '../../src/certificates/certificate-identifier.js';
import { projectRoot } from '../../src/common/project-root.js';
import { createTestApp, type TestApp } from '../harness/test-app.js';

/*
 * GB/T 36904-2018 (电子证照 标识规范) identifiers as other platforms write and check them:
 *
 *   1.2.156.3005.2.{type code: type authority's credit code + 3-digit number}.{issuer's credit code}.{serial}.{3-digit version}.{check}
 *
 * The check character is ISO/IEC 7064 MOD 37,36 (GB/T 17710) over the four parts without dots, and
 * credit codes carry their own GB 32100-2015 check character. Both are implemented below from the
 * standards' definitions, independently of src/ (which must agree with them), and applied to
 * identifiers found in public sources — written by provincial platforms, not by onegate — and to a
 * marriage certificate issued through the gateway. Any drift (a check computed another way, another
 * version width, a per-issuer type code) fails here.
 */

// ---------------------------------------------------------------------------------------------
// ISO/IEC 7064, hybrid system MOD 37,36 (M = 36), as the standard defines it: starting from
// P₁ = M, for each character aⱼ, Sⱼ = Pⱼ + aⱼ reduced to 1..M (||x||_M: the remainder mod M, with
// 0 written M), and Pⱼ₊₁ = 2·Sⱼ mod (M + 1). A string with its check character appended is valid
// when the final S is 1 (mod M). The check character is found here by trying all 36, so this never
// uses the closed form src/ uses.
const ISO_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function isoValidWithCheck(text: string): boolean {
  const M = 36;
  let p = M;
  let s = 0;
  for (const character of text) {
    const a = ISO_ALPHABET.indexOf(character);
    if (a < 0) return false;
    s = (p + a) % M || M;
    p = (2 * s) % (M + 1);
  }
  return s % M === 1;
}

function mod3736Check(text: string): string {
  const found = [...ISO_ALPHABET].filter((c) => isoValidWithCheck(text + c));
  expect(found).toHaveLength(1);
  return found[0]!;
}

// GB 32100-2015: 31 characters (no I, O, S, V, Z), weights Wᵢ = 3^(i−1) mod 31, check = 31 − (Σ cᵢ·Wᵢ mod 31), 31 written 0.
const GB32100_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function gb32100Valid(code: string): boolean {
  if (!/^[0-9A-HJ-NP-RTUW-Y]{18}$/.test(code)) return false;
  let sum = 0;
  let weight = 1;
  for (let i = 0; i < 17; i++) {
    sum += GB32100_ALPHABET.indexOf(code[i]!) * weight;
    weight = (weight * 3) % 31;
  }
  return GB32100_ALPHABET[(31 - (sum % 31)) % 31] === code[17];
}

/** The parts as a reader of the standard splits them. */
function split(identifier: string): { typeCode: string; issuerCode: string; serial: string; version: string; check: string } {
  expect(identifier.startsWith('1.2.156.3005.2.')).toBe(true);
  const [typeCode, issuerCode, serial, version, check] = identifier.slice('1.2.156.3005.2.'.length).split('.') as [string, string, string, string, string];
  return { typeCode, issuerCode, serial, version, check };
}

/** Conforming, per the definitions above. */
function conforms(identifier: string): boolean {
  const { typeCode, issuerCode, serial, version, check } = split(identifier);
  return (
    typeCode.length === 21 &&
    gb32100Valid(typeCode.slice(0, 18)) &&
    /^[0-9]{3}$/.test(typeCode.slice(18)) &&
    gb32100Valid(issuerCode) &&
    /^[0-9A-Z]{1,32}$/.test(serial) &&
    /^[0-9]{3}$/.test(version) &&
    isoValidWithCheck(`${typeCode}${issuerCode}${serial}${version}${check}`)
  );
}

/** The same identifier with another check character. */
function flipCheck(identifier: string): string {
  const check = identifier.slice(-1);
  return identifier.slice(0, -1) + ISO_ALPHABET[(ISO_ALPHABET.indexOf(check) + 17) % 36];
}

/**
 * Identifiers from public sources, with where they were found. 11100000000013338W is 中华人民共和国
 * 住房和城乡建设部 (the Ministry of Housing and Urban-Rural Development), the type authority of
 * construction qualifications: a public e-certificate catalogue contract names it so
 * (certificate_define_authority_name 中华人民共和国住房和城乡建设部, certificate_define_authority_code
 * 11100000000013338W, for type 11100000000013338W032).
 */
const PUBLIC_IDENTIFIERS: Array<{
  identifier: string;
  source: string;
  typeAuthority: string;
  typeNumber: string;
  issuer: string;
  serial: string;
  version: number;
}> = [
  {
    identifier: '1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S',
    source:
      'The example of the issue that asked for the national form, also the zzeCertID example of a public C# interface description for 《全国一体化政务服务平台 电子证照 建筑施工企业安全生产管理人员考核合格证书》 (its Annex A.2): a 湖南 (430000) issuer, version 002.',
    typeAuthority: '11100000000013338W',
    typeNumber: '011',
    issuer: '11430000006122244L',
    serial: '20230000403',
    version: 2,
  },
  {
    identifier: '1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U',
    source: 'The same interface description, associatedZzeCertID (格式参考): the version-001 certificate that version 002 replaced.',
    typeAuthority: '11100000000013338W',
    typeNumber: '011',
    issuer: '11430000006122244L',
    serial: '20230000403',
    version: 1,
  },
  {
    identifier: '1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F',
    source:
      'A public e-certificate catalogue smart contract (Licenses): the example row of a 建筑施工特种作业人员操作资格证书 issued by 吉林省住房和城乡建设厅 (11220000013544541J).',
    typeAuthority: '11100000000013338W',
    typeNumber: '032',
    issuer: '11220000013544541J',
    serial: '2430599',
    version: 1,
  },
  {
    identifier: '1.2.156.3005.2.11100000000013338W087.11370800MB28559184.37080001202411010001.001.3',
    source: 'Public Shandong integration code: a 济宁 (370800) completion-acceptance filing record (Zzcertid), with a 20-digit serial.',
    typeAuthority: '11100000000013338W',
    typeNumber: '087',
    issuer: '11370800MB28559184',
    serial: '37080001202411010001',
    version: 1,
  },
  {
    identifier: '1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0',
    source:
      "Public documentation of Zhejiang's investment project platform (tzxm.zjzwfw.gov.cn): an OFD file named by its identifier, version 002, check character 0.",
    typeAuthority: '11100000000013338W',
    typeNumber: '009',
    issuer: '11330105002500287C',
    serial: '2025052201',
    version: 2,
  },
];

describe('GB/T 36904-2018 identifiers from public sources', () => {
  it.each(PUBLIC_IDENTIFIERS.map((example) => [example.identifier, example] as const))('%s parses with the right parts and check', (identifier, example) => {
    // First by the definitions above: these identifiers conform, whoever wrote them.
    expect(conforms(identifier)).toBe(true);
    expect(mod3736Check(identifier.slice('1.2.156.3005.2.'.length, -2).replaceAll('.', ''))).toBe(identifier.slice(-1));
    // Then onegate's parser reads the same parts.
    expect(parseCertificateIdentifier(identifier)).toEqual({
      ok: true,
      value: identifier,
      form: 'GB_T_36904',
      typeCode: `${example.typeAuthority}${example.typeNumber}`,
      typeAuthorityCode: example.typeAuthority,
      typeNumber: example.typeNumber,
      issuerCode: example.issuer,
      serial: example.serial,
      version: example.version,
      check: identifier.slice(-1),
    });
  });

  it.each(PUBLIC_IDENTIFIERS.map((example) => [example.identifier] as const))('%s with another check character is refused as CHECK_CHARACTER', (identifier) => {
    expect(conforms(flipCheck(identifier))).toBe(false);
    expect(parseCertificateIdentifier(flipCheck(identifier))).toMatchObject({ ok: false, reason: 'CHECK_CHARACTER' });
  });

  it('refuses a check character computed another way: a public example made by a deviating implementation', () => {
    // The example certIdentifier of a public certificate-sharing API description. Its check M is what
    // an implementation in public code (a batch tool's getCertIdentifier) computes: it values letters
    // as their index + 1 (A = 11, …), reduces sums by 37 or 36 depending on the character, and takes
    // the check one position lower — reproduced here. ISO/IEC 7064 gives D: the identifier is refused.
    const drifted = '1.2.156.3005.2.11100000000013661B006.113700000045046442.209FA4E88F9E4C878F3E9BED2CE7EA49.001.M';
    const body = drifted.slice('1.2.156.3005.2.'.length, -2).replaceAll('.', '');
    const deviating = (text: string): string => {
      const M = 36;
      let p = 0;
      [...text].forEach((c, i) => {
        const a = /[A-Z]/.test(c) ? ISO_ALPHABET.indexOf(c) + 1 : Number(c);
        let r = i === 0 ? M + a : p + a;
        if (a > 10 && r > M + 1) r %= M + 1;
        else if (a < 10 && r > M) r %= M;
        p = ((r % M || M) * 2) % (M + 1);
      });
      return ISO_ALPHABET[M - p]!;
    };
    expect(deviating(body)).toBe('M');
    expect(mod3736Check(body)).toBe('D');
    expect(conforms(drifted)).toBe(false);
    expect(parseCertificateIdentifier(drifted)).toMatchObject({ ok: false, reason: 'CHECK_CHARACTER' });
    expect(parseCertificateIdentifier(`${drifted.slice(0, -1)}D`)).toMatchObject({ ok: true, serial: '209FA4E88F9E4C878F3E9BED2CE7EA49' });
  });

  it('refuses an issuer code that is not a credit code, even with a matching check character', () => {
    // A commented-out test value in public code of a city's real-estate platform: the issuer is the
    // region code 340100, not the issuing organisation's credit code. Its check character matches;
    // its shape is not the standard's.
    const regionAsIssuer = '1.2.156.3005.2.11100000MB03271699022.340100.000000016.001.9';
    expect(isoValidWithCheck(regionAsIssuer.slice('1.2.156.3005.2.'.length).replaceAll('.', ''))).toBe(true);
    expect(conforms(regionAsIssuer)).toBe(false);
    expect(parseCertificateIdentifier(regionAsIssuer)).toMatchObject({ ok: false, reason: 'ISSUER_CODE' });
  });

  it('refuses other drifts of the format', () => {
    const [good] = PUBLIC_IDENTIFIERS.map((e) => e.identifier);
    const drifts: Array<[string, string]> = [
      [good!.replace('.002.', '.02.'), 'a 2-digit version under another authority than the issuer'],
      [good!.replace('.002.', '.0002.'), 'a 4-digit version'],
      [good!.replace('.002.', '.000.'), 'version 000'],
      [good!.replace('013338W011', '013338W11'), 'a 2-digit type number'],
      [good!.replace('11100000000013338W', '11100000000013338X'), 'a type authority code whose GB 32100 check fails'],
      [good!.replace('1.2.156.3005.2.', '1.2.156.3005.1.'), 'another root OID'],
      [good!.toLowerCase(), 'lower case'],
      [good!.replace('.20230000403.', '.2023-0000403.'), 'a serial with a hyphen'],
      [good!.replace('.20230000403.', `.${'1'.repeat(33)}.`), 'a serial of 33 characters'],
      [`${good}.X`, 'a sixth part'],
    ];
    for (const [identifier, what] of drifts) {
      const result = parseCertificateIdentifier(identifier);
      expect({ what, ok: result.ok }).toEqual({ what, ok: false });
    }
  });
});

describe('a marriage certificate issued through the gateway', () => {
  let t: TestApp;
  let identifier: string;
  const LI_WEI = '330825198803142023';
  const schema = JSON.parse(readFileSync(join(projectRoot(), 'schemas', 'certificates', 'MARRIAGE_CERTIFICATE.json'), 'utf8')) as {
    typeNumber: string;
    typeAuthority: { creditCode: string; nameZh: string };
  };
  const departments = JSON.parse(readFileSync(join(projectRoot(), 'schemas', 'departments.json'), 'utf8')) as {
    departments: Array<{ code: string; creditCode: string }>;
  };

  beforeAll(async () => {
    t = await createTestApp({ LEDGER_CHECKPOINT_INTERVAL_SECONDS: '0' });
    // Civil Affairs issues Li Wei's marriage certificate under the matter, with her consent (its name and ID number are Public Security's).
    const consent = await t.graphql<{ grantConsent: { id: string } }>(
      `mutation { grantConsent(input: { matter: "MARRIAGE_REGISTRATION", departments: ["CIVIL_AFFAIRS"] }) { id } }`,
      undefined,
      await t.token({ role: 'citizen', sub: LI_WEI }),
    );
    expect(consent.body.errors).toBeUndefined();
    const issued = await t.graphql<{ issueCertificate: { identifier: string; version: number } }>(
      `mutation($input: IssueCertificateInput!) { issueCertificate(input: $input) { identifier version } }`,
      {
        input: {
          type: 'MARRIAGE_CERTIFICATE',
          holder: LI_WEI,
          idempotencyKey: 'conformance-gbt36904-1',
          purpose: { matter: 'MARRIAGE_REGISTRATION', caseNumber: 'MR-GBT-36904', consent: consent.body.data!.grantConsent.id },
        },
      },
      await t.token({ role: 'department', sub: 'civil-affairs-registry', department: 'CIVIL_AFFAIRS' }),
    );
    expect(issued.body.errors).toBeUndefined();
    identifier = issued.body.data!.issueCertificate.identifier;
    expect(issued.body.data!.issueCertificate.version).toBe(1);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('has a 3-digit version and the check character ISO/IEC 7064 MOD 37,36 gives', () => {
    expect(conforms(identifier)).toBe(true);
    const { typeCode, issuerCode, serial, version, check } = split(identifier);
    expect(version).toBe('001');
    expect(mod3736Check(`${typeCode}${issuerCode}${serial}${version}`)).toBe(check);
  });

  it("has the type code of the type's definition — its authority's credit code and number — which every issuer of the type shares", () => {
    const { typeCode, issuerCode } = split(identifier);
    // 民政部 defines marriage certificates; the Civil Affairs Bureau of the demo issues them.
    expect(schema.typeAuthority.nameZh).toBe('中华人民共和国民政部');
    expect(gb32100Valid(schema.typeAuthority.creditCode)).toBe(true);
    expect(typeCode).toBe(`${schema.typeAuthority.creditCode}${schema.typeNumber}`);
    expect(typeCode).toBe('111000000000131433001');
    // The issuer appears only as the issuer: no department's code is part of the type code.
    expect(issuerCode).toBe(departments.departments.find((d) => d.code === 'CIVIL_AFFAIRS')!.creditCode);
    expect(gb32100Valid(issuerCode)).toBe(true);
    for (const department of departments.departments) expect(typeCode.startsWith(department.creditCode)).toBe(false);
  });

  it('opens its verification page; the same identifier with another check character is a 400', async () => {
    const page = await t.http().get(`/verify?id=${encodeURIComponent(identifier)}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('证照有效');
    const altered = await t.http().get(`/verify?id=${encodeURIComponent(flipCheck(identifier))}`);
    expect(altered.status).toBe(400);
    expect(altered.text).toContain('证照标识校验位不符');
  });
});
