import { Catch, type ArgumentsHost } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';

/**
 * Domain errors are GraphQLErrors written for the client (UNAUTHENTICATED, FORBIDDEN, …): hand them
 * to Apollo as they are. Without this, Nest's default handler logs each one as a server error.
 */
@Catch(GraphQLError)
export class ClientErrorFilter implements GqlExceptionFilter {
  catch(error: GraphQLError, _host: ArgumentsHost): GraphQLError {
    return error;
  }
}
