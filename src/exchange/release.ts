import type { DataItemDefinition } from '../catalog/data-item-definition.js';
import type { MatterSubject } from '../catalog/matter-definition.js';
import type { ItemRecord } from './connector.js';
import { ExchangeError } from './exchange.errors.js';
import type { ExchangeView } from './exchange.service.js';

/**
 * Which data item each field of a subject's view releases (CitizenView for PERSON, EnterpriseView for
 * ENTERPRISE): the release mapping, as the items' catalog entries declare it (`x-onegate.view.field`).
 */
export function viewFieldItems(items: readonly DataItemDefinition[], subject: MatterSubject): Readonly<Record<string, string>> {
  const fields: Record<string, string> = {};
  for (const item of items) if (item.subject === subject) fields[item.view.field] = item.code;
  return fields;
}

/** The data items behind the selected fields of a view. */
export function itemsOf(fields: Iterable<string>, map: Readonly<Record<string, string>>): string[] {
  const items: string[] = [];
  for (const field of fields) if (Object.hasOwn(map, field)) items.push(map[field]!);
  return items;
}

/** A released record: the item's fields, where it came from, and the lookup it belongs to. */
export type Released = ItemRecord & { source: { department: string; dataItem: string; fetchedAt: Date }; view: ExchangeView };

/**
 * The records of one item of a view, for its field resolver: the records (with their source) when
 * the item was granted and fetched, else a fresh error for this field's path — FORBIDDEN with the
 * reason for a denied item, DEPARTMENT_* with the department for a failed one.
 */
export function released(view: ExchangeView, item: string): Released[] {
  const outcome = view.outcomes.get(item);
  if (!outcome) throw new Error(`item ${item} was not planned for this lookup`);
  if (outcome.kind === 'denied') throw ExchangeError.denied(item, outcome.reason);
  if (outcome.kind === 'failed') throw ExchangeError.department(outcome.department, item, outcome.failure);
  const source = { department: outcome.department, dataItem: item, fetchedAt: outcome.fetchedAt };
  return outcome.records.map((record) => ({ ...record, source, view }));
}

/** The one record of an item that has at most one per subject; null when the department holds none. */
export function releasedOne(view: ExchangeView, item: string): Released | null {
  return released(view, item)[0] ?? null;
}
