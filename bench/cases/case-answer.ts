// What makes the answers of one case complete (bench:cases): shared by the load generator and the
// benchmark's check before measuring.

export interface GraphqlAnswer {
  data?: Record<string, unknown> | null;
  errors?: unknown[];
}

/**
 * Why an answer without errors is still not a complete case, or null: the case is not OPEN or has
 * not one party per alias of `required`, a party's consent is not GIVEN, or a record the case needs
 * (`required`: per alias, the fields that must not be null) is null.
 */
export function checkRead(answer: GraphqlAnswer, required: Record<string, readonly string[]>): string | null {
  const data = answer.data ?? {};
  const found = data.case as { status?: string; parties?: Array<{ role: string; consent: { status: string } }> } | null | undefined;
  if (!found || found.status !== 'OPEN') return 'the case is not there or not open';
  if (found.parties?.length !== Object.keys(required).length) return `the case has ${found.parties?.length ?? 0} parties`;
  const missing = found.parties?.find((p) => p.consent.status !== 'GIVEN');
  if (missing) return `${missing.role}'s consent is ${missing.consent.status}`;
  for (const [alias, fields] of Object.entries(required)) {
    const records = data[alias] as Record<string, unknown> | null | undefined;
    if (!records) return `${alias} was not read`;
    const absent = fields.find((field) => records[field] === null || records[field] === undefined);
    if (absent) return `${alias}.${absent} is null`;
  }
  return null;
}
