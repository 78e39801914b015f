import { LedgerCheckpointEntity } from '../ledger/entities/ledger-checkpoint.entity.js';
import { LedgerEntryEntity } from '../ledger/entities/ledger-entry.entity.js';
import { LedgerNodeEntity } from '../ledger/entities/ledger-node.entity.js';
import { DataItemEntity } from '../catalog/entities/data-item.entity.js';
import { DepartmentEntity } from '../catalog/entities/department.entity.js';
import { MatterDataItemEntity } from '../catalog/entities/matter-data-item.entity.js';
import { MatterEntity } from '../catalog/entities/matter.entity.js';
import { CertificateEntity } from '../certificates/entities/certificate.entity.js';
import { IssuingKeyEntity } from '../certificates/entities/issuing-key.entity.js';
import { StatusListEntity } from '../certificates/entities/status-list.entity.js';
import { PresentationLinkEntity } from '../certificates/entities/presentation-link.entity.js';
import { ConsentGrantEntity } from '../consent/entities/consent-grant.entity.js';
import { LookupAllowanceEntity } from '../exchange/entities/lookup-allowance.entity.js';
import { CaseNumberCounterEntity } from '../cases/entities/case-number-counter.entity.js';
import { CasePartyEntity } from '../cases/entities/case-party.entity.js';
import { CaseEntity } from '../cases/entities/case.entity.js';
import { PublicAllowanceEntity } from '../limits/entities/public-allowance.entity.js';
import { ApplicationTaskEntity } from '../applications/entities/application-task.entity.js';
import { ApplicationEntity } from '../applications/entities/application.entity.js';

/** Every TypeORM entity of the gateway schema; the migration drift check compares these with migrations/. */
export const ENTITIES = [
  DepartmentEntity,
  DataItemEntity,
  MatterEntity,
  MatterDataItemEntity,
  LedgerEntryEntity,
  LedgerNodeEntity,
  LedgerCheckpointEntity,
  ConsentGrantEntity,
  IssuingKeyEntity,
  CertificateEntity,
  StatusListEntity,
  PresentationLinkEntity,
  LookupAllowanceEntity,
  CaseEntity,
  CasePartyEntity,
  CaseNumberCounterEntity,
  PublicAllowanceEntity,
  ApplicationEntity,
  ApplicationTaskEntity,
];
