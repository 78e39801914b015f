import { Field, ObjectType } from '@nestjs/graphql';
import { CreditCodeScalar } from '../../common/scalars/credit-code.scalar.js';
import { IdNumberScalar } from '../../common/scalars/id-number.scalar.js';
import type { ExchangeView } from '../exchange.service.js';
import { BirthCertificate, DeathCertificate, EnterpriseRegistration, Household, Licence, PersonIdentity, Property, RecordSource, SocialInsuranceAccount } from './records.model.js';

/**
 * A citizen as one lookup sees them: one nullable field per data item. A field the purpose does not
 * allow is null with a FORBIDDEN error at its path (reason in `extensions.reason`); a department
 * that fails gives null with a DEPARTMENT_* error naming it; the other fields still arrive.
 */
@ObjectType({ description: 'A citizen as one purpose-bound lookup sees them. Each field is one data item, fetched only when selected and allowed.' })
export class CitizenView {
  @Field(() => IdNumberScalar)
  idNumber: string;

  @Field(() => PersonIdentity, { nullable: true, description: 'person.identity (Public Security).' })
  person?: PersonIdentity | null;

  @Field(() => Household, { nullable: true, description: 'household.registration (Public Security), with members.' })
  household?: Household | null;

  @Field(() => Marriage, { nullable: true, description: 'marriage.registration (Civil Affairs); null when never married.' })
  marriage?: Marriage | null;

  @Field(() => [Property], { nullable: true, description: 'property.rights (Real Estate Registration).' })
  properties?: Property[] | null;

  @Field(() => SocialInsuranceAccount, { nullable: true, description: 'social_insurance.account (Human Resources and Social Security).' })
  socialInsurance?: SocialInsuranceAccount | null;

  @Field(() => BirthCertificate, { nullable: true, description: 'birth.medical_certificate (Health).' })
  birth?: BirthCertificate | null;

  @Field(() => DeathCertificate, { nullable: true, description: 'death.medical_certificate (Health).' })
  death?: DeathCertificate | null;

  /** The lookup behind the fields (not in the schema). */
  view: ExchangeView;
}

@ObjectType({ description: "marriage.registration (Civil Affairs): the person's current marital status and the registration behind it." })
export class Marriage {
  @Field({ description: 'MARRIED, DIVORCED, WIDOWED or UNMARRIED.' })
  status: string;

  @Field(() => String, { nullable: true })
  spouseIdNumber: string | null;

  @Field(() => String, { nullable: true })
  registeredOn: string | null;

  @Field(() => String, { nullable: true })
  office: string | null;

  @Field(() => String, { nullable: true })
  certificateNumber: string | null;

  @Field(() => RecordSource)
  source: RecordSource;

  @Field(() => CitizenView, {
    nullable: true,
    description: 'The spouse, looked up under the same purpose: a lookup of its own, with its own access decision and ledger entry.',
  })
  spouse?: CitizenView | null;

  /** The lookup this record came from (not in the schema). */
  view: ExchangeView;
}

@ObjectType({ description: 'An enterprise as one purpose-bound lookup sees it.' })
export class EnterpriseView {
  @Field(() => CreditCodeScalar)
  creditCode: string;

  @Field(() => EnterpriseRegistration, { nullable: true, description: 'enterprise.registration (Market Regulation).' })
  registration?: EnterpriseRegistration | null;

  @Field(() => [Licence], { nullable: true, description: 'enterprise.licence (Market Regulation).' })
  licences?: Licence[] | null;

  view: ExchangeView;
}
