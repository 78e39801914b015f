import { describe, expect, it } from '@jest/globals';
import { checklistItems, checkMaterials } from './material-checklist.js';

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
});
