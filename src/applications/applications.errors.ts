import type { ApplicationDenialReason } from '../access/application-access.js';
import type { DenialReason } from '../access/access-decision.js';
import { DomainError, errorCodes, type CodeOf } from '../common/errors/domain-error.js';
import type { FieldProblem } from './form-schema.js';

export const ApplicationErrorCode = errorCodes('BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT');
export type ApplicationErrorCode = CodeOf<typeof ApplicationErrorCode>;

export type ApplicationErrorReason =
  /** The one thing is not in the catalog. */
  | 'ONE_THING_UNKNOWN'
  /** The case is not opened under the one thing's case matter (e.g. a NEWBORN application on a house transfer). */
  | 'ONE_THING_NOT_FOR_CASE'
  /** The submitted form does not match the template: `extensions.fields` names each field and why. */
  | 'FORM_INVALID'
  /** The application was already submitted: it is submitted once. */
  | 'APPLICATION_NOT_DRAFT'
  /** Rejecting a task or asking for a material needs a note for the applicant. */
  | 'NOTE_REQUIRED'
  /** A paging cursor that this API did not hand out. */
  | 'CURSOR_INVALID'
  /** Who may see an application or decide a task (APPLICATION_NOT_FOUND, TASK_NOT_FOUND, NOT_THE_TASK_DEPARTMENT, TASK_NOT_OPEN). */
  | ApplicationDenialReason
  /** The case's standing (CASE_NOT_FOUND, CASE_CLOSED). */
  | Extract<DenialReason, 'CASE_NOT_FOUND' | 'CASE_CLOSED'>;

const MESSAGES: Record<ApplicationDenialReason | 'CASE_NOT_FOUND' | 'CASE_CLOSED', string> = {
  APPLICATION_NOT_FOUND: 'no such application for you',
  TASK_NOT_FOUND: 'no such department task',
  NOT_THE_TASK_DEPARTMENT: "the task is another department's: only its deciding department decides it",
  TASK_NOT_OPEN: 'the task is not open for a decision (waiting for a predecessor, or already approved or rejected)',
  CASE_NOT_FOUND: 'no such case in your hall',
  CASE_CLOSED: 'the case is closed',
};

/** The applications domain's errors: a DomainError with its codes and reasons. */
export class ApplicationError extends DomainError<ApplicationErrorReason, ApplicationErrorCode> {
  static badInput(reason: 'ONE_THING_UNKNOWN' | 'ONE_THING_NOT_FOR_CASE' | 'NOTE_REQUIRED' | 'CURSOR_INVALID', message: string): ApplicationError {
    return new ApplicationError(ApplicationErrorCode.BAD_USER_INPUT, reason, message);
  }

  /** A form that does not match its template: each field named, in English and Chinese. */
  static formInvalid(fields: readonly FieldProblem[]): ApplicationError {
    const keys = fields.map((f) => f.key || '(form)').join(', ');
    return new ApplicationError(ApplicationErrorCode.BAD_USER_INPUT, 'FORM_INVALID', `the form has fields to correct: ${keys}`, { fields });
  }

  static refused(reason: ApplicationDenialReason | 'CASE_NOT_FOUND' | 'CASE_CLOSED' | 'APPLICATION_NOT_DRAFT'): ApplicationError {
    switch (reason) {
      case 'APPLICATION_NOT_FOUND':
      case 'TASK_NOT_FOUND':
      case 'CASE_NOT_FOUND':
        return new ApplicationError(ApplicationErrorCode.NOT_FOUND, reason, MESSAGES[reason]);
      case 'NOT_THE_TASK_DEPARTMENT':
      case 'CASE_CLOSED':
        return new ApplicationError(ApplicationErrorCode.FORBIDDEN, reason, MESSAGES[reason]);
      case 'TASK_NOT_OPEN':
        return new ApplicationError(ApplicationErrorCode.CONFLICT, reason, MESSAGES[reason]);
      case 'APPLICATION_NOT_DRAFT':
        return new ApplicationError(ApplicationErrorCode.CONFLICT, reason, 'the application was already submitted');
    }
  }
}
