import type { TestApp } from '../harness/test-app.js';

/**
 * A matter for tests about the exchange's mechanics (fetching, batching, limits, the ledger): a
 * window checks a person's identity and household, no consent, no subject conditions. The demo's
 * matters without consent each have a condition on their subject (SENIOR_CERTIFICATE: 60 or more;
 * DECEASED_AFFAIRS: a death record), so they no longer serve for an ordinary living person.
 * Created through the admin API, as an administrator would.
 */
export const IDENTITY_CHECK = 'IDENTITY_CHECK';
/** The same with the marriage registration too (and so the spouse, a lookup of its own). */
export const FAMILY_CHECK = 'FAMILY_CHECK';

const SAVE = `mutation($input: MatterInput!) { saveMatter(input: $input) { code } }`;

export async function addIdentityCheckMatter(t: TestApp): Promise<void> {
  await saveFixtureMatter(t, IDENTITY_CHECK, 'Identity and household check', ['person.identity', 'household.registration']);
}

export async function addFamilyCheckMatter(t: TestApp): Promise<void> {
  await saveFixtureMatter(t, FAMILY_CHECK, 'Identity, household and marriage check', ['person.identity', 'household.registration', 'marriage.registration']);
}

async function saveFixtureMatter(t: TestApp, code: string, name: string, dataItems: string[]): Promise<void> {
  const admin = await t.token({ role: 'admin', sub: 'fixture-admin' });
  const res = await t.graphql(
    SAVE,
    {
      input: {
        code,
        name,
        description: `${name} at a window (test fixture).`,
        subject: 'PERSON',
        dataItems,
        consentRequired: false,
        roles: ['clerk'],
        jurisdiction: 'COUNTY',
        materials: [
          { code: 'IDENTITY', name: 'Identity of the applicant', satisfiedBy: { dataItems: ['person.identity'], certificateTypes: [] } },
          {
            code: 'HOUSEHOLD_EXTRACT',
            name: 'Household register extract',
            satisfiedBy: { dataItems: ['household.registration'], certificateTypes: ['HOUSEHOLD_REGISTER_EXTRACT'] },
          },
          { code: 'PHOTO', name: 'Recent photograph', satisfiedBy: { dataItems: [], certificateTypes: [] } },
        ],
      },
    },
    admin,
  );
  if (res.body.errors) throw new Error(`the ${code} fixture matter was refused: ${JSON.stringify(res.body.errors)}`);
}
