import { GraphQLError, GraphQLObjectType, GraphQLSchema, GraphQLString, graphql, parseValue as parseAst } from 'graphql';
import { CreditCodeScalar } from './credit-code.scalar.js';
import { IdNumberScalar } from './id-number.scalar.js';

function thrown(fn: () => unknown): GraphQLError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    return error as GraphQLError;
  }
  throw new Error('expected a GraphQLError to be thrown');
}

describe('IdNumberScalar', () => {
  it('is named and described', () => {
    expect(IdNumberScalar.name).toBe('IdNumber');
    expect(IdNumberScalar.description).toContain('GB 11643-1999');
  });

  it('normalises valid input from variables and literals', () => {
    expect(IdNumberScalar.parseValue('11010519491231002x')).toBe('11010519491231002X');
    expect(IdNumberScalar.parseLiteral(parseAst('" 11010519491231002x "'), undefined)).toBe('11010519491231002X');
  });

  it('serializes strings unchanged', () => {
    expect(IdNumberScalar.serialize('11010519491231002X')).toBe('11010519491231002X');
    expect(() => IdNumberScalar.serialize(42)).toThrow(GraphQLError);
  });

  it('rejects a bad check character without echoing the value', () => {
    const input = '110105194912310021';
    for (const error of [thrown(() => IdNumberScalar.parseValue(input)), thrown(() => IdNumberScalar.parseLiteral(parseAst(`"${input}"`), undefined))]) {
      expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'CHECK_CHARACTER' });
      expect(error.message).not.toContain(input);
    }
  });

  it('rejects the legacy 15-digit form', () => {
    const error = thrown(() => IdNumberScalar.parseValue('330825880314202'));
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'LEGACY_15_DIGIT' });
    expect(error.message).not.toContain('330825880314202');
  });

  it('rejects non-string variables and literals', () => {
    // eslint-disable-next-line no-loss-of-precision -- an 18-digit number, as a careless client sends it
    expect(thrown(() => IdNumberScalar.parseValue(110105194912310021)).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'TYPE',
    });
    const error = thrown(() => IdNumberScalar.parseLiteral(parseAst('110105194912310021'), undefined));
    expect(error.message).toBe('IdNumber must be a string');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'TYPE' });
  });
});

describe('CreditCodeScalar', () => {
  it('is named and described', () => {
    expect(CreditCodeScalar.name).toBe('CreditCode');
    expect(CreditCodeScalar.description).toContain('GB 32100-2015');
  });

  it('normalises valid input from variables and literals', () => {
    expect(CreditCodeScalar.parseValue('91330782ma2e00017b')).toBe('91330782MA2E00017B');
    expect(CreditCodeScalar.parseLiteral(parseAst('"91350100M000100Y43"'), undefined)).toBe('91350100M000100Y43');
  });

  it('rejects bad input without echoing the value', () => {
    const input = '91350100M000100Y44';
    for (const error of [thrown(() => CreditCodeScalar.parseValue(input)), thrown(() => CreditCodeScalar.parseLiteral(parseAst(`"${input}"`), undefined))]) {
      expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'CHECK_CHARACTER' });
      expect(error.message).not.toContain(input);
    }
    // Z is not in the GB 32100 alphabet, so this is a character error rather than a checksum error.
    expect(thrown(() => CreditCodeScalar.parseValue('91350100M000100Y4Z')).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'CHARACTER',
    });
  });

  it('rejects non-string literals', () => {
    const error = thrown(() => CreditCodeScalar.parseLiteral(parseAst('{ code: "x" }'), undefined));
    expect(error.message).toBe('CreditCode must be a string');
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'TYPE' });
  });
});

describe('scalars inside a schema', () => {
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        person: {
          type: GraphQLString,
          args: { id: { type: IdNumberScalar } },
          resolve: (_source, args: { id: string }) => args.id,
        },
      },
    }),
  });

  it('passes the normalised value to resolvers', async () => {
    const result = await graphql({
      schema,
      source: 'query ($id: IdNumber) { person(id: $id) }',
      variableValues: { id: '11010519491231002x' },
    });
    expect(result).toEqual({ data: { person: '11010519491231002X' } });
  });

  it('keeps code and reason on the error graphql-js reports', async () => {
    const result = await graphql({
      schema,
      source: 'query ($id: IdNumber) { person(id: $id) }',
      variableValues: { id: '110105194912310021' },
    });
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', reason: 'CHECK_CHARACTER' });
    expect(result.errors?.[0]?.originalError?.message).toBe('ID number check character does not match (GB 11643-1999 checksum)');
  });
});
