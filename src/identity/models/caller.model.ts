import { Field, GraphQLISODateTime, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IdNumberScalar } from '../../common/scalars/id-number.scalar.js';
import type { Principal } from '../principal.js';

export enum PrincipalKindValue {
  CLERK = 'clerk',
  DEPARTMENT = 'department',
  AUDITOR = 'auditor',
  ADMIN = 'admin',
  CITIZEN = 'citizen',
}
registerEnumType(PrincipalKindValue, { name: 'PrincipalKind', description: 'Who is calling: the role onegate decides access by.' });

@ObjectType({ description: 'The caller as onegate sees it after verifying the access token.' })
export class Caller {
  @Field(() => PrincipalKindValue)
  kind: PrincipalKindValue;

  @Field({ description: "The token's subject: a clerk or system id, or a citizen's ID number." })
  id: string;

  @Field(() => String, { nullable: true, description: 'Service hall (clerks).' })
  hall: string | null;

  @Field(() => String, { nullable: true, description: 'Administrative division code of the hall (clerks).' })
  region: string | null;

  @Field(() => String, { nullable: true, description: 'Department or agency code (department systems; an agency decides tasks and reads no records).' })
  department: string | null;

  @Field(() => IdNumberScalar, { nullable: true, description: "The citizen's own ID number (citizens)." })
  idNumber: string | null;

  @Field(() => GraphQLISODateTime, { description: 'When the access token expires.' })
  tokenExpiresAt: Date;
}

export function toCaller(principal: Principal): Caller {
  return {
    kind: principal.kind as PrincipalKindValue,
    id: principal.id,
    hall: principal.kind === 'clerk' ? principal.hall : null,
    region: principal.kind === 'clerk' ? principal.region : null,
    department: principal.kind === 'department' ? principal.department : null,
    idNumber: principal.kind === 'citizen' ? principal.id : null,
    tokenExpiresAt: principal.tokenExpiresAt,
  };
}
