import type { GuidanceResult } from './guidance.js';
import type { BeforeFigures, OneThingDefinition } from './one-thing-definition.js';

/**
 * What a one thing asks of the applicant for one story, from its guidance: the figures of the burden
 * report (docs/one-things.md, "Burden report"), beside the errand's figures before the one thing.
 */
export interface BurdenLine {
  oneThing: string;
  /** The case the records were read under; null: none (nothing read). */
  caseId: string | null;
  matters: number;
  /** Requirements counted per matter, as separate offices would each ask for them. */
  requirementsBeforeDeduplication: number;
  /** Requirements once for the whole one thing: the materials the applicant would otherwise bring. */
  materialsRequired: number;
  /** Of those, proven from records or by certificates: nothing on paper. */
  materialsWithoutPaper: number;
  fieldsTotal: number;
  fieldsPrefilled: number;
  /** Deciding departments (and agencies) of the selected matters. */
  departments: number;
  /** Window visits: the one at which the case is opened and the application submitted. */
  visits: number;
  before: BeforeFigures;
}

export function burdenOf(thing: OneThingDefinition, guidance: GuidanceResult): BurdenLine {
  return {
    oneThing: thing.code,
    caseId: guidance.caseId,
    matters: guidance.matters.length,
    requirementsBeforeDeduplication: guidance.matters.reduce((sum, m) => sum + m.requirements.length, 0),
    materialsRequired: guidance.requirements.length,
    materialsWithoutPaper: guidance.requirements.filter((r) => r.status !== 'TO_BRING').length,
    fieldsTotal: guidance.form.fields.length,
    fieldsPrefilled: guidance.form.fields.filter((f) => f.prefilled).length,
    departments: new Set(guidance.matters.map((m) => m.department)).size,
    // Departments decide in parallel from the one submission and the one-time notice lists everything to bring.
    visits: 1,
    before: { ...thing.before },
  };
}

const percent = (part: number, whole: number) => (whole === 0 ? '—' : `${Math.round((part / whole) * 100)} %`);
const figure = (value: number | undefined) => (value === undefined ? '—' : String(value));

/** The burden lines as a Markdown table (the README's), each one thing's figures beside those before it. */
export function burdenTable(lines: readonly BurdenLine[]): string {
  const rows = [
    '| one thing | matters (before) | materials: per matter → once → to bring (before) | without paper | form fields prefilled (before) | departments | visits (before) |',
    '|---|---|---|---|---|---|---|',
    ...lines.map((l) => {
      const b = l.before;
      const fieldsBefore = b.formFields !== undefined ? ` (${b.formFields} fields before)` : b.forms !== undefined ? ` (${b.forms} forms before)` : '';
      return (
        `| \`${l.oneThing}\` | ${l.matters} (${figure(b.matters)}) ` +
        `| ${l.requirementsBeforeDeduplication} → ${l.materialsRequired} → ${l.materialsRequired - l.materialsWithoutPaper} (${figure(b.materials)}) ` +
        `| ${l.materialsWithoutPaper} of ${l.materialsRequired}, ${percent(l.materialsWithoutPaper, l.materialsRequired)} ` +
        `| ${l.fieldsPrefilled} of ${l.fieldsTotal}, ${percent(l.fieldsPrefilled, l.fieldsTotal)}${fieldsBefore} ` +
        `| ${l.departments} | ${l.visits} (${figure(b.visits)}) |`
      );
    }),
  ];
  return rows.join('\n') + '\n';
}
