import { readCatalogFiles } from '../catalog/catalog-files.js';
import { RecordValidator } from './record-validator.js';

const validator = new RecordValidator(readCatalogFiles().dataItems);
const ACCOUNT = { accountNumber: 'SI-330825-88031420', status: 'CONTRIBUTING', contributionMonths: 142, employer: 'Hangzhou Lianhe Trading Co.' };

describe('RecordValidator', () => {
  it('accepts records shaped as the data item schema says', () => {
    expect(validator.check('social_insurance.account', [ACCOUNT, { ...ACCOUNT, employer: null }])).toBeNull();
    expect(validator.check('property.rights', [])).toBeNull();
  });

  it('names the first bad record and what is wrong, never the value', () => {
    const problem = validator.check('social_insurance.account', [ACCOUNT, { ...ACCOUNT, contributionMonths: 'many' }]);
    expect(problem).toEqual({ index: 1, problem: '/contributionMonths must be integer' });
    expect(validator.check('social_insurance.account', [{ ...ACCOUNT, secret: 'x' }])!.problem).toBe('/ must NOT have additional properties');
    expect(
      validator.check('person.identity', [{ idNumber: '330825198803142023', name: 'Li Wei', sex: 'F', birthDate: '1988-02-30', idCardStatus: 'ACTIVE' }])!
        .problem,
    ).toMatch(/^\/birthDate must match format "date"$/);
  });

  it('refuses an item it has no schema for', () => {
    expect(validator.check('tax.records', [])).toEqual({ index: 0, problem: 'no JSON Schema for data item tax.records' });
  });
});
