import {
  getDirectiveValues,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  type FieldNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';

/**
 * The names of the fields selected directly under the current field — or, given a path of field
 * names, under those fields below it (e.g. `['record']`: what a case party's `record` selects) —
 * through fragments and inline fragments, honouring @skip and @include, so a lookup asks for exactly
 * the data items the client will receive.
 */
export function selectedFieldNames(info: GraphQLResolveInfo, path: readonly string[] = []): Set<string> {
  let sets = info.fieldNodes.map((node) => node.selectionSet);
  for (const name of path) sets = fieldsNamed(info, sets, name).map((field) => field.selectionSet);
  const names = new Set<string>();
  for (const field of fieldsNamed(info, sets, null)) names.add(field.name.value);
  return names;
}

/** The included fields of these selection sets (through fragments), those named `name` or all. */
function fieldsNamed(info: GraphQLResolveInfo, sets: ReadonlyArray<SelectionSetNode | undefined>, name: string | null): FieldNode[] {
  const found: FieldNode[] = [];
  const visit = (set: SelectionSetNode | undefined, seen: Set<string>) => {
    for (const selection of set?.selections ?? []) {
      if (!included(selection, info)) continue;
      if (selection.kind === Kind.FIELD) {
        if (name === null || selection.name.value === name) found.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        visit(info.fragments[selection.name.value]?.selectionSet, seen);
      }
    }
  };
  for (const set of sets) visit(set, new Set());
  return found;
}

function included(node: Parameters<typeof getDirectiveValues>[1], info: GraphQLResolveInfo): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, info.variableValues)?.if === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, info.variableValues)?.if !== false;
}
