import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext } from 'graphql';

/** Root fields that look a person or an enterprise up (RELIABILITY-AND-SECURITY §A 2). */
export const IDENTITY_LOOKUP_FIELDS: ReadonlySet<string> = new Set(['citizen', 'enterprise']);
export const MAX_IDENTITY_LOOKUPS = 3;

/**
 * Validation rule: an operation may look up at most MAX_IDENTITY_LOOKUPS identities (aliases of
 * `citizen` and `enterprise` together, through fragments too), so one request cannot sweep a list
 * of ID numbers. Rejected before any resolver runs.
 */
export function identityLookupLimitRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(operation) {
      let count = 0;
      const visit = (set: SelectionSetNode, seen: Set<string>) => {
        for (const selection of set.selections) {
          if (selection.kind === Kind.FIELD) {
            if (IDENTITY_LOOKUP_FIELDS.has(selection.name.value)) count++;
          } else if (selection.kind === Kind.INLINE_FRAGMENT) {
            visit(selection.selectionSet, seen);
          } else if (!seen.has(selection.name.value)) {
            seen.add(selection.name.value);
            const fragment = context.getFragment(selection.name.value);
            if (fragment) visit(fragment.selectionSet, seen);
          }
        }
      };
      visit(operation.selectionSet, new Set());
      if (count > MAX_IDENTITY_LOOKUPS) {
        context.reportError(
          new GraphQLError(`at most ${MAX_IDENTITY_LOOKUPS} identity lookups (citizen, enterprise) per request; this one has ${count}`, {
            nodes: [operation],
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED', reason: 'TOO_MANY_IDENTITY_LOOKUPS' },
          }),
        );
      }
    },
  };
}
