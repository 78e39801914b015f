import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { CaseEntity } from '../../cases/entities/case.entity.js';

export const APPLICATION_STATUSES = ['DRAFT', 'SUBMITTED', 'IN_PROGRESS', 'NEEDS_MATERIAL', 'COMPLETED', 'REJECTED'] as const;
export type ApplicationStatusCode = (typeof APPLICATION_STATUSES)[number];

/** A value of a form field: every field type is a string or a boolean (a form may still carry anything until validated). */
export type FormValue = string | number | boolean | null;

/** Where a field's value came from, as the guidance said: a record read under the case (or an answer the records gave), an answer, or nothing (typed). */
export type PrefillSource = 'RECORD' | 'ANSWER' | 'TYPED';

/** One field of the form as guided when the application was opened. */
export interface PrefilledValue {
  key: string;
  value: string | boolean | null;
  source: PrefillSource;
}

/** A field the applicant submitted with a value other than the record's: both are kept. */
export interface FormCorrection {
  key: string;
  recordValue: string | boolean | null;
  value: FormValue;
}

/**
 * An application (申请) of a one thing on a case: opened at the window as a DRAFT with the matters
 * the guidance selected and the form prefilled from the records, then submitted once (the form as
 * submitted, the corrections beside the record values), when its department tasks are created.
 * Its status follows its tasks. Applications are never deleted: their ledger entries name them.
 */
@Entity({ name: 'application' })
@Check('application_status_check', `"status" IN ('DRAFT', 'SUBMITTED', 'IN_PROGRESS', 'NEEDS_MATERIAL', 'COMPLETED', 'REJECTED')`)
@Check('application_submitted_check', `("status" = 'DRAFT') = ("submitted_at" IS NULL)`)
@Index('application_case_idx', ['caseId'])
// The hall's applications newest first: (hall, created_at DESC, id DESC), written in the migration.
@Index('application_hall_created_idx', { synchronize: false })
export class ApplicationEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  /** The one thing's code (schemas/one-things). */
  @Column({ name: 'one_thing', type: 'varchar', length: 64 })
  oneThing: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  /** The case's hall and its region when the application was opened. */
  @Column({ type: 'varchar', length: 32 })
  hall: string;

  @Column({ type: 'varchar', length: 6 })
  region: string;

  /** The ID number or credit code of the case's subject party (the newborn): what the tasks are about. */
  @Column({ type: 'varchar', length: 18 })
  subject: string;

  @Column({ type: 'varchar', length: 16 })
  status: ApplicationStatusCode;

  /** The funnel's answers, keyed by question key. */
  @Column({ type: 'jsonb' })
  answers: Record<string, string>;

  /** The matter codes the guidance selected, in the one thing's order. */
  @Column({ type: 'text', array: true })
  matters: string[];

  /** Each form field's value and source as guided when the application was opened. */
  @Column({ type: 'jsonb' })
  prefill: PrefilledValue[];

  /** The form as submitted (null while a draft). */
  @Column({ type: 'jsonb', nullable: true })
  form: Record<string, FormValue> | null;

  /** The fields submitted with a value other than the record's (null while a draft). */
  @Column({ type: 'jsonb', nullable: true })
  corrections: FormCorrection[] | null;

  /** The clerk who opened it (the token's subject). */
  @Column({ name: 'opened_by', type: 'varchar', length: 256 })
  openedBy: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true })
  submittedAt: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  // A case with applications on record cannot be deleted.
  @ManyToOne('CaseEntity', { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id' })
  case?: CaseEntity;
}
