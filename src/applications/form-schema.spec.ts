import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../common/project-root.js';
import type { OneThingDefinition } from '../one-things/one-thing-definition.js';
import { correctionsOf, fieldsFor, formJsonSchema, FormValidator } from './form-schema.js';

const NEWBORN = JSON.parse(readFileSync(join(projectRoot(), 'schemas/one-things/NEWBORN.json'), 'utf8')) as OneThingDefinition;
const ALL = NEWBORN.matters.map((m) => m.code);
const VALID = {
  childName: 'Zhang Xiaoyu',
  childIdNumber: '330825202609180842',
  childSex: 'F',
  childBirthDate: '2026-09-18',
  birthCertificateNumber: 'Q330825-2026-07731',
  hospital: "Longyou County People's Hospital",
  motherName: 'Li Wei',
  motherIdNumber: '330825198803142023',
  fatherName: 'Zhang Hao',
  fatherIdNumber: '330825198611021315',
  householdOf: 'MOTHER',
  householdAddress: 'Longyou County',
  phone: '13905701234',
};

describe('the form of an application', () => {
  const validator = new FormValidator();

  it('has the fields of its matters only', () => {
    expect(fieldsFor(NEWBORN, ALL).map((f) => f.key)).toContain('householdAddress');
    expect(fieldsFor(NEWBORN, ['NEWBORN_BIRTH_REGISTRATION']).map((f) => f.key)).not.toContain('householdAddress');
    expect(formJsonSchema(NEWBORN, ['NEWBORN_BIRTH_REGISTRATION'])).toMatchObject({ additionalProperties: false });
  });

  it('takes a complete form, optional fields left out or null', () => {
    expect(validator.validate(NEWBORN, ALL, VALID)).toEqual([]);
    const { fatherName: _n, ...withoutFather } = VALID;
    expect(validator.validate(NEWBORN, ALL, { ...withoutFather, fatherIdNumber: null })).toEqual([]);
  });

  it('names each bad field, in English and Chinese, never echoing the value', () => {
    const { phone: _phone, ...noPhone } = VALID;
    const problems = validator.validate(NEWBORN, ALL, {
      ...noPhone,
      motherIdNumber: '330825198803142024',
      childBirthDate: '18/09/2026',
      householdOf: 'GRANDMOTHER',
      shoeSize: 40,
    });
    expect(problems.map((p) => p.key).sort()).toEqual(['childBirthDate', 'householdOf', 'motherIdNumber', 'phone', 'shoeSize']);
    const byKey = new Map(problems.map((p) => [p.key, p]));
    expect(byKey.get('phone')).toEqual({ key: 'phone', message: 'Contact phone is required', messageZh: '联系电话为必填项' });
    expect(byKey.get('motherIdNumber')!.messageZh).toBe('母亲公民身份号码须为有效的公民身份号码');
    expect(byKey.get('householdOf')!.message).toBe('Household the child joins must be one of MOTHER, FATHER');
    expect(byKey.get('shoeSize')!.messageZh).toBe('不是本表单的字段');
    expect(JSON.stringify(problems)).not.toContain('330825198803142024');
  });

  it('refuses a form that is not an object', () => {
    expect(validator.validate(NEWBORN, ALL, ['Zhang Xiaoyu'])).toHaveLength(1);
  });
});

describe('correctionsOf', () => {
  it('keeps the record value beside the one submitted, for record fields only', () => {
    const prefill = [
      { key: 'hospital', value: "Longyou County People's Hospital", source: 'RECORD' as const },
      { key: 'childName', value: 'Zhang Xiaoyu', source: 'RECORD' as const },
      { key: 'householdOf', value: 'MOTHER', source: 'ANSWER' as const },
      { key: 'phone', value: null, source: 'TYPED' as const },
    ];
    expect(correctionsOf(prefill, { ...VALID, hospital: 'Longyou Maternity Hospital', householdOf: 'FATHER' })).toEqual([
      { key: 'hospital', recordValue: "Longyou County People's Hospital", value: 'Longyou Maternity Hospital' },
    ]);
  });
});
