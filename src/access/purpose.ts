/** Why the caller asks: the matter and case every lookup states, and the consent it relies on. */
export interface Purpose {
  matter: string;
  caseNumber: string | null;
  /** A consent grant id or a signed consent token; null when none was given. */
  consent: string | null;
}
