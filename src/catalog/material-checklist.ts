import type { MaterialDefinition } from './matter-definition.js';

/**
 * The materials checklist of a matter at the window: for each material the applicant would bring on
 * paper, whether a record released in the lookup or a certificate the citizen holds stands in for it.
 * Pure rules; the exchange reads the records and the certificate registry the certificates.
 */

/** How one material is covered: the same values as the GraphQL enum MaterialSatisfaction. */
export type MaterialCoverage = 'BY_DATA' | 'BY_CERTIFICATE' | 'TO_BRING' | 'NOT_CHECKED';

export interface MaterialCheck {
  code: string;
  name: string;
  satisfied: MaterialCoverage;
  /** The data items whose records cover it. */
  dataItems: string[];
  /** Identifiers of the certificates that cover it. */
  certificates: string[];
}

/**
 * The data items a checklist judges: those the materials can be satisfied by, as far as the matter
 * may read them. A lookup that shows the checklist reads them too — decided and audited like the
 * items it selected, since the checklist tells whether they hold records.
 */
export function checklistItems(matter: { dataItems: readonly string[] }, materials: readonly Pick<MaterialDefinition, 'satisfiedBy'>[]): string[] {
  const allowed = new Set(matter.dataItems);
  return [...new Set(materials.flatMap((m) => m.satisfiedBy.dataItems))].filter((item) => allowed.has(item));
}

/**
 * Judges each material: covered by data when an item that satisfies it was released with at least one
 * record (or, in a case, by the party's proven relation when the material says so), else by a
 * certificate when a valid one of an accepted type is held, else not checked when a department that
 * could have covered it did not answer (ask again before telling the applicant to bring it), else
 * still to bring.
 */
export function checkMaterials(
  materials: readonly MaterialDefinition[],
  held: {
    hasRecords: (item: string) => boolean;
    certificates: ReadonlyArray<{ type: string; identifier: string }>;
    /** A department holding the item did not answer: whether it holds a record is not known. */
    failed?: (item: string) => boolean;
    /** In a case: the party's relation is proven from records. */
    relationProven?: boolean;
  },
): MaterialCheck[] {
  return materials.map((material) => {
    const dataItems = material.satisfiedBy.dataItems.filter((item) => held.hasRecords(item));
    const certificates = held.certificates.filter((c) => material.satisfiedBy.certificateTypes.includes(c.type)).map((c) => c.identifier);
    const byRelation = material.satisfiedBy.relation === true && held.relationProven === true;
    const unknown = material.satisfiedBy.dataItems.some((item) => held.failed?.(item));
    const satisfied: MaterialCoverage =
      dataItems.length > 0 || byRelation ? 'BY_DATA' : certificates.length > 0 ? 'BY_CERTIFICATE' : unknown ? 'NOT_CHECKED' : 'TO_BRING';
    return { code: material.code, name: material.name, satisfied, dataItems, certificates };
  });
}

/**
 * The materials a party in `role` must have covered in a case: those naming the role, and those
 * naming no role when it is the matter's subject role.
 */
export function materialsOfRole<M extends Pick<MaterialDefinition, 'roles'>>(materials: readonly M[], role: string, subjectRole: string): M[] {
  return materials.filter((m) => (m.roles?.length ? m.roles : [subjectRole]).includes(role));
}
