export { adminQuery, withDatabase } from '../../src/database/database-admin.js';

/** What global-setup hands to the test files (through the environment, which jest workers inherit). */
export interface HarnessState {
  adminUrl: string;
  template: string;
  rolePassword: string;
  dataDir: string;
}

export function harnessState(): HarnessState {
  const { ONEGATE_TEST_ADMIN_URL, ONEGATE_TEST_TEMPLATE, ONEGATE_TEST_ROLE_PASSWORD, ONEGATE_TEST_DATA_DIR } = process.env;
  if (!ONEGATE_TEST_ADMIN_URL || !ONEGATE_TEST_TEMPLATE || !ONEGATE_TEST_ROLE_PASSWORD || !ONEGATE_TEST_DATA_DIR) {
    throw new Error('e2e harness state missing: run e2e tests through jest (global-setup prepares the database)');
  }
  return {
    adminUrl: ONEGATE_TEST_ADMIN_URL,
    template: ONEGATE_TEST_TEMPLATE,
    rolePassword: ONEGATE_TEST_ROLE_PASSWORD,
    dataDir: ONEGATE_TEST_DATA_DIR,
  };
}
