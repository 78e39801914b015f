import type { DepartmentCode } from '../common/departments.js';

/**
 * One record of a data item, shaped as the item's JSON Schema under schemas/data-items/ says
 * (field names of the demo fixture: `householdNumber`, `relationToHead`, `spouseIdNumber`, ...).
 * The exchange validates every record against that schema before anything uses it.
 */
export type ItemRecord = Record<string, unknown>;

/**
 * How the gateway reaches one department. One interface, batched: a single call answers one data
 * item for many subjects (the DataLoader of a request collects them), and it must honour `signal`
 * (abort = give up now and release the socket or query). Timeouts, breakers and bulkheads are the
 * exchange's job (exchange.service.ts), not the connector's; a connector just fetches or throws.
 *
 * Which connector serves which department is catalog configuration (schemas/departments.json,
 * `connector`), never code.
 */
export interface DepartmentConnector {
  readonly department: DepartmentCode;
  readonly kind: ConnectorKind;
  /**
   * The records of `item` for each subject (an ID number, or a credit code for enterprise items):
   * every subject asked for is a key of the result, with an empty array when the department holds
   * nothing for it. Items with at most one record per subject (person.identity,
   * household.registration, marriage.registration, social_insurance.account, birth/death
   * certificates, enterprise.registration) answer with zero or one record.
   */
  fetch(item: string, subjects: readonly string[], signal: AbortSignal): Promise<Map<string, ItemRecord[]>>;
  close(): Promise<void>;
}

export const CONNECTOR_KINDS = ['database', 'http'] as const;
export type ConnectorKind = (typeof CONNECTOR_KINDS)[number];

/** Raised by a connector for an answer it cannot use (bad status, unparsable body, missing subject). */
export class ConnectorError extends Error {
  constructor(
    readonly department: DepartmentCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}
