import { buildSchema, parse, validate } from 'graphql';
import { identityLookupLimitRule } from './identity-lookup-limit.rule.js';

const schema = buildSchema(`
  type View { id: String }
  type Query { citizen(id: String): View enterprise(id: String): View matters: [String] }
`);
const errors = (query: string) => validate(schema, parse(query), [identityLookupLimitRule]).map((e) => e.message);

describe('identityLookupLimitRule', () => {
  it('allows up to three citizen and enterprise lookups in one operation', () => {
    expect(errors('{ a: citizen(id: "1") { id } b: citizen(id: "2") { id } e: enterprise(id: "3") { id } matters }')).toEqual([]);
  });

  it('rejects a fourth, counting aliases, fragments and inline fragments', () => {
    expect(errors('{ a: citizen { id } b: citizen { id } c: citizen { id } d: citizen { id } }')).toEqual([
      'at most 3 identity lookups (citizen, enterprise) per request; this one has 4',
    ]);
    expect(errors('{ ...F ... on Query { e: enterprise { id } } } fragment F on Query { a: citizen { id } b: citizen { id } c: citizen { id } }')).toHaveLength(
      1,
    );
  });

  it('counts a fragment spread twice once (the executor merges it)', () => {
    expect(errors('{ ...F ...F } fragment F on Query { a: citizen { id } b: citizen { id } }')).toEqual([]);
  });
});
