import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { parseCreditCode } from '../identifiers/credit-code.js';

function parseOrThrow(input: unknown, node: ValueNode | null = null): string {
  const result = parseCreditCode(input);
  if (!result.ok) {
    throw new GraphQLError(result.message, {
      nodes: node,
      extensions: { code: 'BAD_USER_INPUT', reason: result.reason },
    });
  }
  return result.value;
}

export const CreditCodeScalar = new GraphQLScalarType<string, string>({
  name: 'CreditCode',
  description:
    'Unified Social Credit Code (统一社会信用代码), 18 characters, validated against GB 32100-2015 ' +
    '(alphabet without I, O, S, V, Z and MOD 31 check character). Input is normalised to upper case.',
  // Output is not re-validated: stored values were validated on the way in, and failing a whole
  // response over a legacy record would be worse than returning it.
  serialize(value) {
    if (typeof value !== 'string') {
      throw new GraphQLError('CreditCode cannot represent a non-string value');
    }
    return value;
  },
  parseValue: (value) => parseOrThrow(value),
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError('CreditCode must be a string', {
        nodes: ast,
        extensions: { code: 'BAD_USER_INPUT', reason: 'TYPE' },
      });
    }
    return parseOrThrow(ast.value, ast);
  },
});
