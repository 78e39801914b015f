import { buildSchema, execute, parse, type GraphQLResolveInfo } from 'graphql';
import { selectedFieldNames } from './selection.js';

const schema = buildSchema(`
  type View { person: String household: String marriage: String properties: [String] }
  type Query { citizen: View }
`);

async function selected(query: string, variables: Record<string, unknown> = {}): Promise<string[]> {
  let names: string[] = [];
  await execute({
    schema,
    document: parse(query),
    variableValues: variables,
    rootValue: {
      citizen: (_args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => {
        names = [...selectedFieldNames(info)].sort();
        return {};
      },
    },
  });
  return names;
}

describe('selectedFieldNames', () => {
  it('reads plain fields, aliases, fragments and inline fragments', async () => {
    expect(await selected('{ citizen { person h: household } }')).toEqual(['household', 'person']);
    expect(await selected('{ citizen { ...F ... on View { properties } } } fragment F on View { marriage }')).toEqual(['marriage', 'properties']);
  });

  it('honours @skip and @include, literal and by variable', async () => {
    expect(await selected('{ citizen { person household @skip(if: true) marriage @include(if: false) } }')).toEqual(['person']);
    expect(await selected('query($s: Boolean!) { citizen { person household @include(if: $s) } }', { s: true })).toEqual(['household', 'person']);
    expect(await selected('query($s: Boolean!) { citizen { person ...F @include(if: $s) } } fragment F on View { properties }', { s: false })).toEqual([
      'person',
    ]);
  });

  it('merges the selections of one field asked for twice under the same name', async () => {
    expect(await selected('{ citizen { person } citizen { marriage } }')).toEqual(['marriage', 'person']);
  });
});
