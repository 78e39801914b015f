/** Why the caller asks: the matter and case every lookup states, and the consent it relies on. */
export interface Purpose {
  /** Under a case: the case's matter once resolved (PurposeFactsService). */
  matter: string;
  caseNumber: string | null;
  /** A consent grant id or a signed consent token; null when none was given. */
  consent: string | null;
  /** The case (its id) the lookup is for, in place of a matter and case number; absent or null: none. */
  case?: string | null;
}
