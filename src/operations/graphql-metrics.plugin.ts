import type { ApolloServerPlugin, GraphQLRequestContext, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { Kind, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { Metrics } from './metrics.js';
import { describeActiveRequest } from './tracing.js';

/** No operation was resolved: the document did not parse or validate. */
const INVALID = { type: 'unknown', operation: '_invalid' } as const;
const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * Per GraphQL operation: its duration, outcome and error codes (Metrics), and the name of the
 * request's span. An operation is labelled by its type and its first root field (`query citizen`,
 * `mutation issueCertificate`), which the schema bounds; the client's operation name is free text
 * it chooses, so it is never a label.
 */
@Plugin()
export class GraphqlMetricsPlugin implements ApolloServerPlugin {
  constructor(private readonly metrics: Metrics) {}

  async requestDidStart(): Promise<GraphQLRequestListener<Record<string, unknown>>> {
    const started = performance.now();
    let label: { type: string; operation: string } = INVALID;
    const metrics = this.metrics;
    return {
      async didResolveOperation(request) {
        if (!request.operation) return;
        label = { type: request.operation.operation, operation: firstRootField(request.operation, request.document) };
        describeActiveRequest(`${label.type} ${label.operation}`, { 'graphql.operation.type': label.type, 'graphql.operation.root_field': label.operation });
      },
      async willSendResponse(request) {
        try {
          metrics.graphqlOperation(label.type, label.operation, (performance.now() - started) / 1000, errorCodes(request));
        } catch {
          // A metric is never worth a failed response.
        }
      },
    };
  }
}

/** The first field the operation selects at its root (through fragments), a name the schema has. */
function firstRootField(operation: OperationDefinitionNode, document: DocumentNode): string {
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode): string | undefined => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) return selection.name.value;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const found = walk(selection.selectionSet);
        if (found) return found;
      } else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
        const found = fragment && fragment.kind === Kind.FRAGMENT_DEFINITION ? walk(fragment.selectionSet) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(operation.selectionSet) ?? '_none';
}

function errorCodes(request: GraphQLRequestContext<Record<string, unknown>>): string[] {
  const body = request.response.body;
  const errors = body?.kind === 'single' ? body.singleResult.errors : undefined;
  if (!errors || errors.length === 0) return [];
  return errors.map((error: { extensions?: Record<string, unknown> }) => {
    const code = error.extensions?.code;
    return typeof code === 'string' && CODE.test(code) ? code : 'UNKNOWN';
  });
}
