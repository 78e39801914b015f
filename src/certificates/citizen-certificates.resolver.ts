import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { checkMaterials } from '../catalog/material-checklist.js';
import { MattersService } from '../catalog/matters.service.js';
import { CitizenView } from '../exchange/models/views.model.js';
import { CertificateRegistry, certificateStatus } from './certificate-registry.service.js';
import type { RegisteredCertificate } from './certificate.repository.js';
import { Certificate } from './models/certificate.model.js';
import { MaterialSatisfaction, MaterialStatus } from './models/material-status.model.js';
import { CertificatePresenter } from './certificate-presenter.js';

/**
 * Certificates in place of paper, on the clerk's citizen view: the citizen's valid certificates of
 * types the matter accepts (decided and audited like any read), and the matter's materials
 * checklist — covered by a released record, by a valid certificate, or still to bring.
 */
@Resolver(() => CitizenView)
export class CitizenCertificatesResolver {
  /** One read of the certificates per view, shared by both fields. */
  private readonly held = new WeakMap<object, Promise<RegisteredCertificate[]>>();

  constructor(
    private readonly registry: CertificateRegistry,
    private readonly matters: MattersService,
    private readonly presenter: CertificatePresenter,
  ) {}

  @ResolveField(() => [Certificate], {
    description:
      "The citizen's valid certificates of types the matter accepts for its materials (a citizen: all their own). Empty when the purpose does not allow them.",
  })
  async certificates(@Parent() parent: CitizenView): Promise<Certificate[]> {
    return (await this.validHeld(parent)).map((row) => this.presenter.toModel(row));
  }

  @ResolveField(() => [MaterialStatus], {
    description: "The matter's materials: covered by data released in this lookup, by a valid certificate, or to bring.",
  })
  async materials(@Parent() parent: CitizenView): Promise<MaterialStatus[]> {
    const materials = await this.matters.materials(parent.view.purpose.matter);
    if (!materials) return [];
    const certificates = await this.validHeld(parent);
    const hasRecords = (item: string) => {
      const outcome = parent.view.outcomes.get(item);
      return outcome?.kind === 'records' && outcome.records.length > 0;
    };
    const failed = (item: string) => parent.view.outcomes.get(item)?.kind === 'failed';
    return checkMaterials(materials, { hasRecords, certificates, failed }).map((check) => ({ ...check, satisfied: MaterialSatisfaction[check.satisfied] }));
  }

  private validHeld(parent: CitizenView): Promise<RegisteredCertificate[]> {
    let held = this.held.get(parent.view);
    if (!held) {
      const { principal, request, purpose, scope } = parent.view;
      held = this.registry
        .listFor(principal, request, parent.idNumber, purpose, scope)
        .then((rows) => rows.filter((row) => certificateStatus(row) === 'VALID'));
      this.held.set(parent.view, held);
    }
    return held;
  }
}
