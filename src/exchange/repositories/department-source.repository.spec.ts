import { describe, expect, it } from '@jest/globals';
import { readCatalogFiles } from '../../catalog/catalog-files.js';
import { itemSourceQuery } from './department-source.repository.js';

const items = new Map(readCatalogFiles().dataItems.map((item) => [item.code, item]));

describe('itemSourceQuery', () => {
  it("builds an item's query from its catalog entry: subjects as an array, fields converted to their JSON type", () => {
    expect(itemSourceQuery(items.get('social_insurance.account')!, 'dept_human_resources')).toBe(
      "SELECT t.id_number AS subject, json_build_object('accountNumber', t.account_number::text, 'status', t.status::text, " +
        "'contributionMonths', t.contribution_months, 'employer', t.employer::text) AS record\n" +
        '  FROM dept_human_resources.insurance_account t\n' +
        ' WHERE t.id_number = ANY($1::text[])',
    );
  });

  it("orders a subject's records as the entry says, after the subject; numbers as float8, lists and objects as they are", () => {
    expect(itemSourceQuery(items.get('property.rights')!, 'dept_natural_resources')).toBe(
      "SELECT t.id_number AS subject, json_build_object('certificateNumber', t.certificate_number::text, 'address', t.address::text, " +
        "'areaSqm', t.area_sqm::float8, 'use', t.use::text, 'share', t.share::text, 'coOwnerIdNumbers', t.co_owner_id_numbers) AS record\n" +
        '  FROM dept_natural_resources.property_holding t\n' +
        ' WHERE t.id_number = ANY($1::text[])\n' +
        ' ORDER BY t.id_number, t.registered_on, t.certificate_number',
    );
    expect(itemSourceQuery(items.get('enterprise.licence')!, 'dept_market_regulation')).toMatch(
      / ORDER BY t\.credit_code, t\.valid_until DESC, t\.licence_number$/,
    );
  });
});
