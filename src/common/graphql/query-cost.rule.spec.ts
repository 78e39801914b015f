import { describe, expect, it } from '@jest/globals';
import { GraphQLInt, GraphQLList, GraphQLObjectType, GraphQLSchema, GraphQLString, parse, validate } from 'graphql';
import { queryCostLimitRule } from './query-cost.rule.js';

const Item = new GraphQLObjectType({
  name: 'Item',
  fields: { id: { type: GraphQLString }, qr: { type: GraphQLString, extensions: { cost: 50 } } },
});
const Page = new GraphQLObjectType({
  name: 'Page',
  fields: { edges: { type: new GraphQLList(Item), extensions: { listSize: 1 } } },
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      items: { type: new GraphQLList(Item), extensions: { listSize: 50 } },
      undeclared: { type: new GraphQLList(Item) },
      one: { type: Item },
      page: { type: Page, args: { first: { type: GraphQLInt }, last: { type: GraphQLInt } }, extensions: { listSize: 100 } },
    },
  }),
});

/** The cost the rule computes (it reports it when over the limit; a limit of 0 makes it always report). */
const cost = (query: string): number => {
  const [error] = validate(schema, parse(query), [queryCostLimitRule(0)]);
  return Number(/costs (\d+)/.exec(error?.message ?? '')?.[1] ?? 0);
};

describe('queryCostLimitRule (§I 49)', () => {
  it('counts each field once per item its list may answer, with declared weights', () => {
    expect(cost('{ one { id } }')).toBe(2);
    expect(cost('{ one { qr } }')).toBe(51);
    expect(cost('{ items { id qr } }')).toBe(50 * (1 + 1 + 50));
    expect(cost('{ undeclared { id } }')).toBe(20 * 2);
  });

  it('takes a page from `first`: a literal up to the declared largest page, a variable as the largest, absent as 20', () => {
    expect(cost('{ page(first: 10) { edges { qr } } }')).toBe(10 * (1 + 1 + 50));
    expect(cost('{ page(first: 1000) { edges { qr } } }')).toBe(100 * 52);
    expect(cost('query($n: Int) { page(first: $n) { edges { qr } } }')).toBe(100 * 52);
    expect(cost('{ page { edges { qr } } }')).toBe(20 * 52);
  });

  it('takes a page from `last` (paging backward) as from `first`, and the larger when both are given', () => {
    expect(cost('{ page(last: 10) { edges { qr } } }')).toBe(10 * 52);
    expect(cost('{ page(last: 1000) { edges { qr } } }')).toBe(100 * 52);
    expect(cost('query($n: Int) { page(last: $n) { edges { qr } } }')).toBe(100 * 52);
    expect(cost('{ page(first: 3, last: 40) { edges { qr } } }')).toBe(40 * 52);
  });

  it('adds up aliases, fragments and inline fragments; __typename is free', () => {
    const one = cost('{ items { qr } }');
    expect(cost('{ a: items { qr } b: items { qr } c: items { qr } }')).toBe(3 * one);
    expect(cost('{ ...F ... on Query { c: items { qr } } } fragment F on Query { a: items { qr } b: items { ...Q } } fragment Q on Item { qr }')).toBe(3 * one);
    expect(cost('{ items { __typename qr } }')).toBe(one);
  });

  it('refuses over the limit before execution, and passes within it', () => {
    const rule = queryCostLimitRule(5000);
    expect(validate(schema, parse('{ items { qr } }'), [rule])).toEqual([]);
    const [error] = validate(schema, parse('{ a: items { qr } b: items { qr } }'), [rule]);
    expect(error?.message).toMatch(/^Query cost limit of 5000 exceeded: this operation costs 5100 /);
    expect(error?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COSTLY' });
  });

  it('stops at a fragment cycle (refused by the standard rules) instead of recursing forever', () => {
    expect(() =>
      validate(schema, parse('{ ...A } fragment A on Query { one { id } ...B } fragment B on Query { ...A }'), [queryCostLimitRule(1000)]),
    ).not.toThrow();
  });
});
