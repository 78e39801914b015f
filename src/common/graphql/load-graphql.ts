import { createRequire } from 'node:module';

/**
 * Loads graphql-js once, before anything else does, as its production build: graphql 16 decides
 * at load time, from NODE_ENV, whether every internal type check (`instanceOf`, run for each field
 * of each answer) also looks for a second copy of the library — a development aid that costs a few
 * per cent of the gateway's CPU. Only graphql sees NODE_ENV=production, and only while it loads;
 * onegate's own configuration reads NODE_ENV afterwards, as it was.
 *
 * Imported first by the gateway's entry point (src/main.ts); everything that imports graphql later
 * (Apollo, NestJS, onegate) gets this same instance from Node's module cache.
 */
const saved = process.env.NODE_ENV;
process.env.NODE_ENV = 'production';
try {
  createRequire(import.meta.url)('graphql');
} finally {
  if (saved === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = saved;
}
