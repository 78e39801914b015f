import type { ApolloServerPlugin } from '@apollo/server';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { AppConfig } from '../../config/app-config.js';
import type { Logger } from '../../logging/logger.js';
import { errorKind, RepeatedErrorLog } from '../../logging/repeated-errors.js';
import { formatGraphQLError, isClientError, isDatabaseUnavailable } from './error-format.js';
import { identityLookupLimitRule } from './identity-lookup-limit.rule.js';
import { queryCostLimitRule } from './query-cost.rule.js';

/** GraphQL limits (RELIABILITY-AND-SECURITY §A), documented in docs/api.md. */
export const GRAPHQL_LIMITS = { maxTokens: 1000, maxDirectives: 50, maxAliases: 15 } as const;

/**
 * Apollo options for the gateway: code-first schema kept in memory (the committed SDL is written
 * by `npm run schema:generate`), graphql-armor limits, no batching, CSRF prevention, no
 * introspection or field suggestions in production, and errors stripped of internals.
 */
export function graphqlOptions(config: AppConfig, logger: Logger): ApolloDriverConfig {
  const armor = new ApolloArmor({
    maxDepth: { n: config.GRAPHQL_MAX_DEPTH, flattenFragments: true, ignoreIntrospection: true },
    // Cost is queryCostLimitRule's: graphql-armor's counts a list as one item, whatever its size.
    costLimit: { enabled: false },
    // The token limit is graphql-js's own (parseOptions below). graphql-armor's Apollo plugin for it
    // parses in parsingDidStart, where Apollo 5 takes any throw, a plain syntax error too, for a
    // server failure: every malformed query was answered 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases },
    blockFieldSuggestion: { enabled: config.isProduction },
  }).protect();
  // Internal failures are logged, with the request id, before formatError hides them from the client;
  // the same failure again (every request while the database is down) once per interval, with a count.
  const repeated = new RepeatedErrorLog(logger, config.LOG_REPEAT_INTERVAL_MS);
  const logInternalErrors: ApolloServerPlugin<{ req?: { id?: string } }> = {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            if (isClientError(error)) continue;
            const cause = error.originalError ?? error;
            const kind = isDatabaseUnavailable(error) ? 'DATABASE_UNAVAILABLE' : errorKind(cause);
            repeated.error(kind, { requestId: contextValue.req?.id, path: error.path, err: cause }, 'GraphQL operation failed');
          }
        },
      };
    },
  };
  // graphql-armor is CommonJS and types its plugins against Apollo's CJS declarations; the objects are the same.
  const armorPlugins = armor.plugins as unknown as ApolloServerPlugin[];

  return {
    path: '/graphql',
    autoSchemaFile: true,
    sortSchema: true,
    playground: false,
    graphiql: false,
    introspection: !config.isProduction,
    // A document over the limit is a syntax error (400 GRAPHQL_PARSE_FAILED), found before it is parsed whole.
    parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: config.isProduction,
    // No cache hints are used (answers carry citizens' data and are never cached), so Apollo's cache
    // control plugin, which otherwise wraps every field's resolver to collect them, is left out.
    plugins: [...armorPlugins, logInternalErrors, ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()],
    validationRules: [...armor.validationRules, identityLookupLimitRule, queryCostLimitRule(config.GRAPHQL_MAX_COST)],
    formatError: (formatted, error) => formatGraphQLError(formatted, error),
  };
}
