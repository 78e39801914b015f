import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { JsonScalar } from '../../common/scalars/json.scalar.js';
import { TaskDecision, TaskStatus } from '../models/application.model.js';

/** The most tasks one page of departmentTasks lists. */
export const TASKS_PAGE_LIMIT = 50;
/** The longest note a department gives with a decision. */
export const TASK_NOTE_MAX_LENGTH = 1000;
const CODE = /^[A-Z][A-Z0-9_]{1,63}$/;

@InputType({ description: 'An application of a one thing to open on a case of your hall.' })
export class OpenApplicationInput {
  @Field({ description: 'The one thing, e.g. NEWBORN (see oneThings).' })
  @IsString()
  @Matches(CODE, { message: 'oneThing must be a one thing code such as NEWBORN' })
  oneThing: string;

  @Field(() => ID, { description: "The case (opened under the one thing's caseMatter) whose parties' records prefill the form." })
  @IsUUID('all', { message: 'case must be a case id' })
  case: string;

  @Field(() => JsonScalar, { nullable: true, description: 'The funnel’s answers, keyed by question key.' })
  @IsOptional()
  @IsObject({ message: 'answers must be an object keyed by question key' })
  answers?: Record<string, unknown> | null;
}

@ArgsType()
export class SubmitApplicationArgs {
  @Field(() => ID)
  @IsUUID('all', { message: 'id must be an application id' })
  id: string;

  @Field(() => JsonScalar, { description: 'The form as the applicant confirmed or corrected it: every field by key (see Application.prefill).' })
  // Checked against the one thing's form template by the service (per field, in both languages).
  @IsDefined()
  form: unknown;
}

@ArgsType()
export class ApplicationIdArgs {
  @Field(() => ID)
  @IsUUID('all', { message: 'id must be an application id' })
  id: string;
}

@ArgsType()
export class DecideTaskArgs {
  @Field(() => ID)
  @IsUUID('all', { message: 'id must be a task id' })
  id: string;

  @Field(() => TaskDecision)
  @IsIn(Object.values(TaskDecision))
  decision: TaskDecision;

  @Field(() => String, {
    nullable: true,
    description: `For the applicant: why rejected, what material is missing (required for both); at most ${TASK_NOTE_MAX_LENGTH} characters.`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(TASK_NOTE_MAX_LENGTH)
  note?: string | null;
}

@InputType({ description: 'Which tasks to list.' })
export class DepartmentTaskFilter {
  @Field(() => [TaskStatus], { nullable: true, description: 'Only these states (default: all).' })
  @IsOptional()
  @IsIn(Object.values(TaskStatus), { each: true })
  status?: TaskStatus[] | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  overdue?: boolean | null;

  @Field(() => String, { nullable: true, description: 'A matter code.' })
  @IsOptional()
  @IsString()
  @Matches(CODE, { message: 'matter must be a matter code' })
  matter?: string | null;

  @Field(() => ID, { nullable: true, description: 'The tasks of one application.' })
  @IsOptional()
  @IsUUID('all', { message: 'application must be an application id' })
  application?: string | null;
}

@ArgsType()
export class DepartmentTasksArgs {
  @Field(() => DepartmentTaskFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => DepartmentTaskFilter)
  filter?: DepartmentTaskFilter | null;

  @Field(() => Int, { defaultValue: 20, description: `At most ${TASKS_PAGE_LIMIT}.` })
  @IsInt()
  @Min(1)
  @Max(TASKS_PAGE_LIMIT)
  first: number;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  @IsOptional()
  @IsString()
  after?: string | null;
}
