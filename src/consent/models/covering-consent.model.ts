import { ObjectType, OmitType } from '@nestjs/graphql';
import { ConsentGrant } from './consent-grant.model.js';

/**
 * A citizen's active grant as a window sees it: a ConsentGrant's scope and dates, enough to pick it.
 * Never a token: `token` and `qrSvg` are ConsentGrant's resolved fields, which this type does not have.
 */
@ObjectType({ description: "A citizen's active consent grant that covers a window's stated matter and case, for picking it as purpose.consent." })
export class CoveringConsent extends OmitType(ConsentGrant, ['revokedAt', 'status'] as const) {}
