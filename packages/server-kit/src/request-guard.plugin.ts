import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCodes, findInputViolation } from '@storegraph/schema';

/**
 * The same request rules the BFFs apply at the edge, for callers that reach the gateway or a subgraph
 * directly: an operation the document does not contain (an unknown or missing operationName) is 400
 * OPERATION_RESOLUTION_FAILURE instead of a 500 from deep inside the executor, and variables obey the one
 * input rule (no control characters, well-formed Unicode, bounded size), so such input never reaches
 * PostgreSQL. Thrown before execution, so nothing is written.
 */
/**
 * Behind the BFFs the size caps are the use case's own (a staff import takes 10,000 price entries or a
 * CSV of several MB and says TOO_MANY_ROWS itself); what no request may carry is enforced here.
 */
const STAFF_SIZED = { maxStringLength: 16 * 1024 * 1024, maxDepth: 16, maxValues: 1_000_000 };

export function requestGuardPlugin<T extends BaseContext>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (!operation) {
            throw new GraphQLError(request.operationName ? `no operation named ${request.operationName} in the document` : 'name the operation to run', {
              extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: ErrorCodes.OPERATION_RESOLUTION_FAILURE } },
            });
          }
          const violation = findInputViolation(request.variables ?? {}, STAFF_SIZED);
          if (violation) {
            throw new GraphQLError(violation.message, {
              extensions: { code: 'BAD_USER_INPUT', argument: violation.path, reason: violation.reason, http: { status: ErrorCodes.BAD_USER_INPUT } },
            });
          }
        },
      };
    },
  };
}
