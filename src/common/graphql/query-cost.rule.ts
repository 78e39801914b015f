import {
  getNamedType,
  GraphQLError,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

/**
 * What a field declares about its cost, as GraphQL field extensions (`@Extensions(...)` in the
 * models and resolvers): `cost`, its own weight (default 1; QR codes, credentials and signatures
 * weigh more); `listSize`, how many items a list answers at most, or the largest page a `first`
 * (or `last`) argument may ask for.
 */
export interface FieldCost {
  cost?: number;
  listSize?: number;
}

/** Items assumed for a list that declares no size. */
export const DEFAULT_LIST_SIZE = 20;
/** A `first` argument left out: the resolvers' default page. */
export const DEFAULT_PAGE_SIZE = 20;
/** The largest page any `first` or `last` may ask for when its field declares none. */
export const MAX_PAGE_SIZE = 100;

type FieldHolder = { getFields(): Record<string, GraphQLField<unknown, unknown>> };

function declared(field: GraphQLField<unknown, unknown>): FieldCost {
  return (field.extensions ?? {}) as FieldCost;
}

function isList(type: GraphQLOutputType): boolean {
  const inner = isNonNullType(type) ? type.ofType : type;
  return isListType(inner);
}

/** How many times a field's selection is answered: a page (`first`, or `last` paging backward), a declared list size, or 1. */
function multiplier(node: FieldNode, field: GraphQLField<unknown, unknown>): number {
  const { listSize } = declared(field);
  const pageArgs = ['first', 'last'].filter((name) => field.args.some((arg) => arg.name === name));
  if (pageArgs.length > 0) {
    const max = listSize ?? MAX_PAGE_SIZE;
    const given = node.arguments?.filter((arg) => pageArgs.includes(arg.name.value)) ?? [];
    if (given.length === 0) return Math.min(DEFAULT_PAGE_SIZE, max);
    // A variable may hold anything up to the largest page; `first` and `last` together count as the larger.
    return Math.max(...given.map((arg) => (arg.value.kind === Kind.INT ? Math.max(0, Math.min(max, Number(arg.value.value))) : max)));
  }
  return isList(field.type) ? (listSize ?? DEFAULT_LIST_SIZE) : 1;
}

/**
 * The cost of an operation: every field its weight, times the items it is answered for, with its
 * selection inside; through fragments and aliases (each alias answers again), so lists of QR codes
 * multiplied by aliases add up.
 */
export function operationCost(
  context: ValidationContext,
  selectionSet: SelectionSetNode,
  parent: GraphQLNamedType | undefined,
  spreads: string[] = [],
): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (!parent || !(isObjectType(parent) || isInterfaceType(parent))) continue;
      const field = (parent as FieldHolder).getFields()[selection.name.value];
      // __typename, introspection and unknown fields: other rules decide about them.
      if (!field) continue;
      const inner = selection.selectionSet ? operationCost(context, selection.selectionSet, getNamedType(field.type), spreads) : 0;
      total += multiplier(selection, field) * ((declared(field).cost ?? 1) + inner);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? context.getSchema().getType(selection.typeCondition.name.value) : parent;
      total += operationCost(context, selection.selectionSet, type ?? undefined, spreads);
    } else {
      const name = selection.name.value;
      const fragment = context.getFragment(name);
      // A cycle is refused by NoFragmentCyclesRule; here it only must not recurse forever.
      if (!fragment || spreads.includes(name)) continue;
      const type = context.getSchema().getType(fragment.typeCondition.name.value);
      total += operationCost(context, fragment.selectionSet, type ?? undefined, [...spreads, name]);
    }
    if (!Number.isFinite(total) || total > Number.MAX_SAFE_INTEGER) return Number.MAX_SAFE_INTEGER;
  }
  return total;
}

/**
 * Validation rule (RELIABILITY-AND-SECURITY §I 49): an operation costing more than `maxCost` is
 * refused before any resolver runs.
 */
export function queryCostLimitRule(maxCost: number) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const root =
        operation.operation === 'query'
          ? context.getSchema().getQueryType()
          : operation.operation === 'mutation'
            ? context.getSchema().getMutationType()
            : context.getSchema().getSubscriptionType();
      const cost = operationCost(context, operation.selectionSet, root ?? undefined);
      if (cost > maxCost) {
        context.reportError(
          new GraphQLError(
            `Query cost limit of ${maxCost} exceeded: this operation costs ${cost} (lists count once per item they may answer, QR codes and credentials more)`,
            {
              nodes: [operation],
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COSTLY' },
            },
          ),
        );
      }
    },
  });
}
