import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { parseIdNumber } from '../identifiers/id-number.js';

function parseOrThrow(input: unknown, node: ValueNode | null = null): string {
  const result = parseIdNumber(input);
  if (!result.ok) {
    throw new GraphQLError(result.message, {
      nodes: node,
      extensions: { code: 'BAD_USER_INPUT', reason: result.reason },
    });
  }
  return result.value;
}

export const IdNumberScalar = new GraphQLScalarType<string, string>({
  name: 'IdNumber',
  description:
    'Chinese resident identity number (公民身份号码), 18 characters, validated against GB 11643-1999 ' +
    '(birth date and ISO 7064 MOD 11-2 check character). A trailing lowercase x is normalised to X.',
  // Output is not re-validated: stored values were validated on the way in, and failing a whole
  // response over a legacy record would be worse than returning it.
  serialize(value) {
    if (typeof value !== 'string') {
      throw new GraphQLError('IdNumber cannot represent a non-string value');
    }
    return value;
  },
  parseValue: (value) => parseOrThrow(value),
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) {
      throw new GraphQLError('IdNumber must be a string', {
        nodes: ast,
        extensions: { code: 'BAD_USER_INPUT', reason: 'TYPE' },
      });
    }
    return parseOrThrow(ast.value, ast);
  },
});
