import { describe, expect, it } from '@jest/globals';
import { checklistItems, checkMaterials, materialsOfRole } from './material-checklist.js';

describe('the materials checklist', () => {
  const materials = [
    { code: 'IDENTITY', name: 'Identity', satisfiedBy: { dataItems: ['person.identity'], certificateTypes: [] } },
    {
      code: 'EXTRACT',
      name: 'Extract',
      satisfiedBy: { dataItems: ['household.registration', 'tax.record'], certificateTypes: ['HOUSEHOLD_REGISTER_EXTRACT'] },
    },
    { code: 'PHOTO', name: 'Photo', satisfiedBy: { dataItems: [], certificateTypes: [] } },
  ];

  it('reads the items its materials can be satisfied by, as far as the matter may read them', () => {
    expect(checklistItems({ dataItems: ['person.identity', 'household.registration'] }, materials)).toEqual(['person.identity', 'household.registration']);
    expect(checklistItems({ dataItems: ['person.identity'] }, materials)).toEqual(['person.identity']);
  });

  it('covers a material by released data first, then by a valid certificate, else it is to bring', () => {
    const certificates = [{ type: 'HOUSEHOLD_REGISTER_EXTRACT', identifier: 'CERT-1' }];
    expect(checkMaterials(materials, { hasRecords: (item) => item === 'person.identity', certificates })).toEqual([
      { code: 'IDENTITY', name: 'Identity', satisfied: 'BY_DATA', dataItems: ['person.identity'], certificates: [] },
      { code: 'EXTRACT', name: 'Extract', satisfied: 'BY_CERTIFICATE', dataItems: [], certificates: ['CERT-1'] },
      { code: 'PHOTO', name: 'Photo', satisfied: 'TO_BRING', dataItems: [], certificates: [] },
    ]);
    expect(checkMaterials(materials, { hasRecords: () => true, certificates })[1]).toMatchObject({
      satisfied: 'BY_DATA',
      dataItems: ['household.registration', 'tax.record'],
      certificates: ['CERT-1'],
    });
  });

  it('says a material is not checked, not to bring, when the department that could cover it did not answer', () => {
    const [identity, extract] = checkMaterials(materials, { hasRecords: () => false, certificates: [], failed: (item) => item === 'person.identity' });
    expect(identity).toMatchObject({ code: 'IDENTITY', satisfied: 'NOT_CHECKED' });
    expect(extract).toMatchObject({ code: 'EXTRACT', satisfied: 'TO_BRING' });
  });

  it("covers a relationship proof by the party's relation proven from records, only when the material says so", () => {
    const proof = {
      code: 'RELATIONSHIP',
      name: 'Proof of kinship',
      roles: ['APPLICANT'],
      satisfiedBy: { dataItems: [], certificateTypes: [], relation: true },
    };
    expect(checkMaterials([proof], { hasRecords: () => false, certificates: [], relationProven: true })[0]!.satisfied).toBe('BY_DATA');
    expect(checkMaterials([proof], { hasRecords: () => false, certificates: [], relationProven: false })[0]!.satisfied).toBe('TO_BRING');
    expect(checkMaterials(materials, { hasRecords: () => false, certificates: [], relationProven: true }).map((m) => m.satisfied)).toEqual([
      'TO_BRING',
      'TO_BRING',
      'TO_BRING',
    ]);
  });

  it('gives a party the materials of its role, and those naming no role to the subject role', () => {
    const roles = [{ roles: ['MOTHER', 'FATHER'] }, { roles: null }, {}];
    expect(materialsOfRole(roles, 'FATHER', 'CHILD')).toEqual([{ roles: ['MOTHER', 'FATHER'] }]);
    expect(materialsOfRole(roles, 'CHILD', 'CHILD')).toEqual([{ roles: null }, {}]);
  });
});
