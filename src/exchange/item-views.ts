import 'reflect-metadata';
import { Field, Float, Int, ObjectType, ResolveField, Resolver, type ReturnTypeFuncValue } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { fieldShapes, type DataItemDefinition, type FieldLink, type FieldShape, type ValueShape } from '../catalog/data-item-definition.js';
import type { MatterSubject } from '../catalog/matter-definition.js';
import { ExchangeService, type ExchangeView } from './exchange.service.js';
import { RecordSource } from './models/records.model.js';
import { CitizenView, EnterpriseView } from './models/views.model.js';
import { itemsOf, released, releasedOne, viewFieldItems, type Released } from './release.js';
import { selectedFieldNames } from './selection.js';

type Class = abstract new (...args: never[]) => object;
type Method = (...args: never[]) => unknown;

const VIEW_TYPES: Record<MatterSubject, Class> = { PERSON: CitizenView, ENTERPRISE: EnterpriseView };
const VIEW_NAMES: Record<MatterSubject, string> = { PERSON: 'CitizenView', ENTERPRISE: 'EnterpriseView' };
/** Fields the views have besides their items (certificates and materials come from the certificate registry). */
const TAKEN_FIELDS: Record<MatterSubject, readonly string[]> = {
  PERSON: ['idNumber', 'ledgerEntry', 'certificates', 'materials', 'view', 'constructor'],
  ENTERPRISE: ['creditCode', 'ledgerEntry', 'view', 'constructor'],
};
const SCALARS = { string: String, integer: Int, number: Float, boolean: Boolean } as const;

/**
 * The GraphQL side of the data items, made from their catalog entries when the gateway starts: one
 * object type per item (and per nested object) with the fields, types and nullability its JSON
 * Schema gives, plus `source`; one field per item on its subject's view (CitizenView or
 * EnterpriseView), resolved from the lookup's outcome; and one field per `x-onegate.link`, a lookup
 * of its own under the same purpose. The schema printed from it is the same for the same catalog
 * (schemas/schema.graphql is generated from the committed one).
 */
export class ItemViews {
  /** The resolver classes to register: the views' item fields, and the records' links. */
  readonly resolvers: Function[] = [];
  private readonly fields: Record<MatterSubject, Readonly<Record<string, string>>>;
  private readonly types = new Map<string, Class>();

  constructor(items: readonly DataItemDefinition[]) {
    this.fields = { PERSON: viewFieldItems(items, 'PERSON'), ENTERPRISE: viewFieldItems(items, 'ENTERPRISE') };
    for (const subject of ['PERSON', 'ENTERPRISE'] as const) {
      const ofSubject = items.filter((item) => item.subject === subject);
      if (ofSubject.length > 0) this.resolvers.push(this.viewResolver(subject, ofSubject));
    }
    for (const item of items) {
      const links = fieldShapes(item.schema, 'properties').filter((f): f is FieldShape & { link: FieldLink } => f.link !== null);
      if (links.length > 0) this.resolvers.push(this.linkResolver(item, links));
    }
  }

  /** The data items behind the selected fields of a subject's view. */
  itemsOf(subject: MatterSubject, selected: Iterable<string>): string[] {
    return itemsOf(selected, this.fields[subject]);
  }

  /** Field of the subject's view → the data item it releases. */
  fieldItems(subject: MatterSubject): Readonly<Record<string, string>> {
    return this.fields[subject];
  }

  private viewResolver(subject: MatterSubject, items: readonly DataItemDefinition[]): Function {
    const resolver = namedClass(`${VIEW_NAMES[subject]}ItemsResolver`);
    for (const item of items) {
      const { field, list, description } = item.view;
      if (TAKEN_FIELDS[subject].includes(field)) throw new Error(`data item ${item.code}: ${VIEW_NAMES[subject]} already has a field "${field}"`);
      const type = this.recordType(item);
      const code = item.code;
      // No parameter decorators: Nest binds these as plain graphql-js resolvers (parent first); they only pick the lookup's outcome.
      const resolve = list
        ? (parent: { view: ExchangeView }) => released(parent.view, code)
        : (parent: { view: ExchangeView }) => releasedOne(parent.view, code);
      const descriptor = defineMethod(resolver, field, resolve);
      ResolveField(() => (list ? [type] : type), { nullable: true, ...(description ? { description } : {}) })(resolver.prototype, field, descriptor);
    }
    Resolver(() => VIEW_TYPES[subject])(resolver);
    return resolver;
  }

  /** A record's links: each looks the linked subject up under the record's purpose, a lookup with its own decision and ledger entry. */
  private linkResolver(item: DataItemDefinition, links: ReadonlyArray<FieldShape & { link: FieldLink }>): Function {
    const resolver = classTaking(`${item.view.type}LinksResolver`, ExchangeService);
    // The resolver methods below get Nest's resolver instance as `this`; the views stay reachable here.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const views = this;
    for (const { name, link } of links) {
      const lookUp = async function (this: { exchange: ExchangeService }, parent: Released, _args: unknown, _context: unknown, info: GraphQLResolveInfo) {
        const id = parent[name];
        if (typeof id !== 'string' || !id) return null;
        const { principal, request, scope, purpose } = parent.view;
        const items = views.itemsOf(link.subject, selectedFieldNames(info));
        const view = await this.exchange.lookup({ principal, request, scope, subject: { kind: link.subject, id }, purpose, items });
        return link.subject === 'PERSON' ? { idNumber: id, view } : { creditCode: id, view };
      };
      const descriptor = defineMethod(resolver, link.field, lookUp);
      ResolveField(() => VIEW_TYPES[link.subject], { nullable: true, ...(link.description ? { description: link.description } : {}) })(
        resolver.prototype,
        link.field,
        descriptor,
      );
    }
    Resolver(() => this.types.get(item.view.type)!)(resolver);
    return resolver;
  }

  private recordType(item: DataItemDefinition): Class {
    return this.objectType(item.view.type, item.view.typeDescription, fieldShapes(item.schema, 'properties'), true);
  }

  private objectType(name: string, description: string | null, fields: readonly FieldShape[], record: boolean): Class {
    const existing = this.types.get(name);
    if (existing) return existing;
    const type = namedClass(name);
    this.types.set(name, type);
    for (const field of fields) {
      Field(this.typeOf(field.shape), { nullable: field.shape.nullable, ...(field.description ? { description: field.description } : {}) })(
        type.prototype,
        field.name,
      );
    }
    if (record) Field(() => RecordSource)(type.prototype, 'source');
    ObjectType(name, description ? { description } : {})(type);
    return type;
  }

  private typeOf(shape: ValueShape): () => ReturnTypeFuncValue {
    if (shape.kind === 'list') {
      const of = this.typeOf(shape.of);
      return () => [of()] as ReturnTypeFuncValue;
    }
    if (shape.kind === 'object') {
      const type = this.objectType(shape.type, shape.description, shape.fields, false);
      return () => type as ReturnTypeFuncValue;
    }
    const scalar = SCALARS[shape.kind];
    return () => scalar as ReturnTypeFuncValue;
  }
}

/**
 * GraphQL types live in process-wide metadata (@nestjs/graphql), so each catalog's views are made
 * once and shared by every app of the process; a process serves one catalog.
 */
const made = new Map<string, ItemViews>();

export function itemViewsOf(items: readonly DataItemDefinition[]): ItemViews {
  const key = JSON.stringify(items.map((item) => [item.code, item.subject, item.view, item.schema]));
  let views = made.get(key);
  if (!views) {
    if (made.size > 0) throw new Error('the GraphQL views of the data items are made once per process, from one catalog; this process already has another');
    views = new ItemViews(items);
    made.set(key, views);
  }
  return views;
}

function namedClass(name: string): new () => object {
  const holder = { [name]: class {} };
  Reflect.defineMetadata('design:paramtypes', [], holder[name]!);
  return holder[name]!;
}

/** A class named `name` whose instances get `dependency` (injected by Nest) as `exchange`. */
function classTaking(name: string, dependency: typeof ExchangeService): new (exchange: ExchangeService) => { readonly exchange: ExchangeService } {
  const holder = {
    [name]: class {
      constructor(readonly exchange: ExchangeService) {}
    },
  };
  Reflect.defineMetadata('design:paramtypes', [dependency], holder[name]!);
  return holder[name]!;
}

function defineMethod(target: Function, name: string, method: Method): PropertyDescriptor {
  Object.defineProperty(target.prototype, name, { value: method, writable: true, configurable: true, enumerable: false });
  return Object.getOwnPropertyDescriptor(target.prototype, name)!;
}
