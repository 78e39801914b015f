import { describe, expect, it } from '@jest/globals';
import { readCatalogFiles } from '../catalog/catalog-files.js';
import { readCertificateTypes } from '../certificates/certificate-types.js';
import { burdenOf, burdenTable } from './burden.js';
import { runBurdenCli } from './burden.cli.js';
import { evaluate, guidanceNames, guidanceOf } from './guidance.js';
import { readOneThings } from './one-thing-catalog.js';

const files = readCatalogFiles();
const things = readOneThings({ matters: files.matters, dataItems: files.dataItems, certificateTypes: readCertificateTypes(files).map((t) => t.code) });

describe('the burden report', () => {
  it('counts requirements per matter and once, and prints each figure beside the one before (— where the report gives none)', async () => {
    const sale = things.find((t) => t.code === 'HOUSE_SALE')!;
    const evaluation = await evaluate(sale, { gasConnected: 'YES', sellerMaritalStatus: 'MARRIED' }, {}, []);
    const line = burdenOf(
      sale,
      guidanceOf(sale, evaluation, [], { caseId: null, parties: [] }, {}, guidanceNames(sale, { ...files, certificateTypes: readCertificateTypes(files) })),
    );
    expect(line).toMatchObject({ oneThing: 'HOUSE_SALE', caseId: null, matters: 5, departments: 5, visits: 1, materialsWithoutPaper: 0 });
    // Transfer 6, deed tax 3, three utilities 2 each; once for the whole sale: 6. Without a case only the two answers fill the form.
    expect([line.requirementsBeforeDeduplication, line.materialsRequired]).toEqual([15, 6]);
    expect(burdenTable([line]).split('\n')[2]).toBe('| `HOUSE_SALE` | 5 (6) | 15 → 6 → 6 (—) | 0 of 6, 0 % | 2 of 14, 14 % | 5 | 1 (6) |');
  });

  it('refuses an unknown flag before touching any database', async () => {
    let err = '';
    const code = await runBurdenCli(['--csv'], { stdout: { write: () => true }, stderr: { write: (text: string) => (err += text) } });
    expect(code).toBe(2);
    expect(err).toContain('--csv');
  });
});
