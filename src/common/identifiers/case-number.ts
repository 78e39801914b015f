/** A hall's or department's case number (受理编号): 1–64 letters, digits or `._/-`, starting with a letter or digit. */
export const CASE_NUMBER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;

export const CASE_NUMBER_MESSAGE = 'caseNumber must be 1-64 letters, digits or ._/- and start with a letter or digit';
