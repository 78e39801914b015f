import { Field, Float, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';

/*
 * The records of each data item as the gateway releases them. Field names follow the data items'
 * JSON Schemas (schemas/data-items/) and the demo fixture; every record says where it came from.
 */

@ObjectType({ description: 'Where a record came from: the department that answered and when.' })
export class RecordSource {
  @Field({ description: 'Department code, e.g. PUBLIC_SECURITY.' })
  department: string;

  @Field({ description: 'The data item, e.g. household.registration.' })
  dataItem: string;

  @Field(() => GraphQLISODateTime)
  fetchedAt: Date;
}

@ObjectType({ description: 'person.identity (Public Security): the resident and their identity card.' })
export class PersonIdentity {
  @Field()
  idNumber: string;

  @Field()
  name: string;

  @Field({ description: 'M or F.' })
  sex: string;

  @Field({ description: 'YYYY-MM-DD.' })
  birthDate: string;

  @Field({ description: 'ACTIVE, CANCELLED_DECEASED, CANCELLED_EMIGRATED, SUSPENDED or LOST.' })
  idCardStatus: string;

  @Field(() => RecordSource)
  source: RecordSource;
}

@ObjectType({ description: 'A member of a household register.' })
export class HouseholdMember {
  @Field()
  idNumber: string;

  @Field()
  name: string;

  @Field()
  relationToHead: string;

  @Field({ description: 'ACTIVE, MOVED_OUT or CANCELLED_DECEASED.' })
  status: string;
}

@ObjectType({ description: 'household.registration (Public Security): the household (户口) the person is registered in.' })
export class Household {
  @Field()
  householdNumber: string;

  @Field()
  address: string;

  @Field(() => String, { nullable: true, description: 'FAMILY or COLLECTIVE.' })
  householdType: string | null;

  @Field({ description: "The person's relation to the head of household." })
  relationToHead: string;

  @Field({ description: "The person's registration status in this household." })
  status: string;

  @Field(() => [HouseholdMember], { description: 'Members of a family household; for a collective household only the person.' })
  members: HouseholdMember[];

  @Field(() => RecordSource)
  source: RecordSource;
}

@ObjectType({ description: 'property.rights (Real Estate Registration): a property the person holds, alone or with others.' })
export class Property {
  @Field()
  certificateNumber: string;

  @Field()
  address: string;

  @Field(() => Float)
  areaSqm: number;

  @Field({ description: 'RESIDENTIAL, COMMERCIAL, OFFICE, INDUSTRIAL or RURAL_HOMESTEAD.' })
  use: string;

  @Field({ description: 'SOLE, JOINT or IN_COMMON.' })
  share: string;

  @Field(() => [String])
  coOwnerIdNumbers: string[];

  @Field(() => RecordSource)
  source: RecordSource;
}

@ObjectType({ description: 'social_insurance.account (Human Resources and Social Security).' })
export class SocialInsuranceAccount {
  @Field()
  accountNumber: string;

  @Field()
  status: string;

  @Field(() => Int)
  contributionMonths: number;

  @Field(() => String, { nullable: true })
  employer: string | null;

  @Field(() => RecordSource)
  source: RecordSource;
}

@ObjectType({ description: 'birth.medical_certificate (Health): the medical certificate of the person’s birth.' })
export class BirthCertificate {
  @Field()
  medicalCertificateNumber: string;

  @Field(() => String, { nullable: true })
  birthDate: string | null;

  @Field()
  hospital: string;

  @Field()
  motherIdNumber: string;

  @Field(() => String, { nullable: true })
  fatherIdNumber: string | null;

  @Field(() => RecordSource)
  source: RecordSource;
}

@ObjectType({ description: 'death.medical_certificate (Health).' })
export class DeathCertificate {
  @Field()
  medicalCertificateNumber: string;

  @Field({ description: 'Date of death, YYYY-MM-DD.' })
  date: string;

  @Field()
  place: string;

  @Field(() => RecordSource)
  source: RecordSource;
}

@ObjectType({ description: 'enterprise.registration (Market Regulation).' })
export class EnterpriseRegistration {
  @Field()
  creditCode: string;

  @Field()
  name: string;

  @Field()
  legalRepresentativeIdNumber: string;

  @Field(() => String, { nullable: true })
  registeredOn: string | null;

  @Field({ description: 'OPERATING, DEREGISTERED, REVOKED or SUSPENDED.' })
  status: string;

  @Field(() => String, { nullable: true })
  address: string | null;

  @Field(() => RecordSource)
  source: RecordSource;
}

@ObjectType({ description: 'enterprise.licence (Market Regulation): an operating licence.' })
export class Licence {
  @Field()
  type: string;

  @Field()
  number: string;

  @Field()
  validUntil: string;

  @Field(() => String, { nullable: true })
  format: string | null;

  @Field(() => RecordSource)
  source: RecordSource;
}
