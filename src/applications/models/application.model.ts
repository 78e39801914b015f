import { Extensions, Field, GraphQLISODateTime, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PageInfo } from '../../audit/models/page.model.js';
import { JsonScalar } from '../../common/scalars/json.scalar.js';

/**
 * Most matters of a one thing (one-thing.schema.json), so most tasks of an application. With
 * MAX_AFTER, the bounds the query cost counts lists by: kept as tight as the schema so that the
 * citizen's applications with their tasks are one query.
 */
export const MAX_MATTERS = 16;
/** Most matters one matter waits for (a task's `after`; one-thing.schema.json): its direct predecessors. */
export const MAX_AFTER = 4;
/** Most form fields of a one thing (one-thing.schema.json). */
export const MAX_FORM_FIELDS = 128;

export enum ApplicationStatus {
  /** Opened at the window: matters and prefilled form guided, not submitted yet. */
  DRAFT = 'DRAFT',
  /** Submitted; no task decided yet. */
  SUBMITTED = 'SUBMITTED',
  /** At least one task approved, none rejected or waiting for a material. */
  IN_PROGRESS = 'IN_PROGRESS',
  /** A department asked for a material (see the task's note). */
  NEEDS_MATERIAL = 'NEEDS_MATERIAL',
  /** Every task approved. */
  COMPLETED = 'COMPLETED',
  /** A task was rejected (see its note). */
  REJECTED = 'REJECTED',
}
registerEnumType(ApplicationStatus, { name: 'ApplicationStatus', description: "An application's state; after submission it follows its tasks." });

export enum TaskStatus {
  /** Waiting for its predecessors (after) to be approved. */
  WAITING = 'WAITING',
  /** In the department's inbox, due at dueAt. */
  OPEN = 'OPEN',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  /** The department asked for a material (note); it decides again when it has it. */
  NEEDS_MATERIAL = 'NEEDS_MATERIAL',
}
registerEnumType(TaskStatus, { name: 'TaskStatus', description: "A department task's state." });

export enum TaskDecision {
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  NEEDS_MATERIAL = 'NEEDS_MATERIAL',
}
registerEnumType(TaskDecision, {
  name: 'TaskDecision',
  description: 'What a department decides on an open task (REJECTED and NEEDS_MATERIAL need a note for the applicant).',
});

@ObjectType({ description: 'One field of the form as guided when the application was opened: its value and where it came from.' })
export class PrefilledField {
  @Field()
  key: string;

  @Field({ description: "The field's label on the one thing's form, e.g. Mother's name." })
  label: string;

  @Field({ description: "The field's label in Chinese, e.g. 母亲姓名." })
  labelZh: string;

  @Field(() => JsonScalar, { nullable: true, description: 'The value as guided; null: to be typed by the applicant.' })
  value: string | boolean | null;

  @Field({ description: 'RECORD (read under the case, or an answer the records gave), ANSWER (given in the funnel) or TYPED (nothing yet).' })
  source: string;
}

@ObjectType({ description: 'A field the applicant submitted with a value other than the record’s: both are kept.' })
export class FormCorrection {
  @Field()
  key: string;

  @Field(() => JsonScalar, { nullable: true, description: 'The value the records gave.' })
  recordValue: string | boolean | null;

  @Field(() => JsonScalar, { nullable: true, description: 'The value the applicant submitted.' })
  value: string | number | boolean | null;
}

@ObjectType({ description: 'An application (申请) of a one thing on a case: one form, one submission, its department tasks.' })
export class Application {
  @Field(() => ID)
  id: string;

  @Field({ description: 'The one thing, e.g. NEWBORN.' })
  oneThing: string;

  @Field()
  oneThingName: string;

  @Field()
  oneThingNameZh: string;

  @Field(() => ID)
  caseId: string;

  @Field({ description: 'The case number at the hall (受理编号).' })
  caseNumber: string;

  @Field()
  hall: string;

  @Field(() => ApplicationStatus)
  status: ApplicationStatus;

  @Field(() => JsonScalar, { description: 'The funnel’s answers in effect, keyed by question key.' })
  answers: Record<string, string>;

  @Extensions({ listSize: MAX_MATTERS })
  @Field(() => [String], { description: 'The matters the guidance selected.' })
  matters: string[];

  @Extensions({ listSize: MAX_FORM_FIELDS })
  @Field(() => [PrefilledField], { description: 'The form as guided when opened: each field’s value and source.' })
  prefill: PrefilledField[];

  @Field(() => JsonScalar, { nullable: true, description: 'The form as submitted (null while a draft).' })
  form: Record<string, string | number | boolean | null> | null;

  @Extensions({ listSize: MAX_FORM_FIELDS })
  @Field(() => [FormCorrection], { description: 'Fields submitted with a value other than the record’s, both kept.' })
  corrections: FormCorrection[];

  @Extensions({ listSize: MAX_MATTERS })
  @Field(() => [DepartmentTask], { description: 'One task per matter, from submission.' })
  tasks: DepartmentTask[];

  @Field(() => GraphQLISODateTime)
  createdAt: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  submittedAt: Date | null;

  @Field(() => GraphQLISODateTime)
  updatedAt: Date;
}

@ObjectType({ description: 'A department task (部门任务): one matter of an application in its deciding department’s inbox.' })
export class DepartmentTask {
  @Field(() => ID)
  id: string;

  @Field({ description: 'The deciding department or agency, e.g. HEALTHCARE_SECURITY.' })
  department: string;

  @Field()
  departmentName: string;

  @Field()
  departmentNameZh: string;

  @Field({ description: 'The matter code, e.g. NEWBORN_BIRTH_REGISTRATION.' })
  matter: string;

  @Field()
  matterName: string;

  @Field()
  matterNameZh: string;

  @Field({ description: "The ID number or credit code of the case's subject party (the newborn): who the task is about." })
  subject: string;

  @Field(() => TaskStatus)
  status: TaskStatus;

  @Extensions({ listSize: MAX_AFTER })
  @Field(() => [String], { description: 'The matters that must be approved before this task opens.' })
  after: string[];

  @Field(() => Int, { description: 'Calendar days from when the task opens to its due date.' })
  promisedDays: number;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'When the decision is due (null while WAITING: counted from when it opens).' })
  dueAt: Date | null;

  @Field({ description: 'The due date passed before a decision.' })
  overdue: boolean;

  @Field(() => String, { nullable: true, description: "The department's note with its last decision (why rejected, what material is missing)." })
  note: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  openedAt: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  decidedAt: Date | null;

  @Field(() => Application)
  application: Application;
}

@ObjectType()
export class DepartmentTaskEdge {
  @Field()
  cursor: string;

  @Field(() => DepartmentTask)
  node: DepartmentTask;
}

@ObjectType({ description: 'A page of department tasks, the most urgent first (a Relay cursor connection).' })
export class DepartmentTaskConnection {
  // The page was counted where `first` was given (query cost).
  @Extensions({ listSize: 1 })
  @Field(() => [DepartmentTaskEdge])
  edges: DepartmentTaskEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}
