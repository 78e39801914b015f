import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../src/common/project-root.js';
import { createTestApp, type TestApp } from './harness/test-app.js';

describe('committed GraphQL schema', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('equals the schema the running gateway serves (run `npm run schema:generate` when this fails)', () => {
    const live = printSchema(lexicographicSortSchema(t.app.get(GraphQLSchemaHost).schema));
    const committed = readFileSync(join(projectRoot(), 'schemas', 'schema.graphql'), 'utf8');
    expect(committed.replace(/^#.*\n\n/, '').trim()).toBe(live.trim());
  });
});
