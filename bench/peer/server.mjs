// The peer of bench:exchange: PostGraphile v5 serving the department schemas that the house-transfer
// lookup reads, each through that department's read-only reader role, with no authorization and no
// audit. Run under Node 22 (PostGraphile v5 needs it) as its own process; configured by environment:
//
//   PEER_SERVICES               JSON object: pgService name -> { "schema": "dept_…", "url": "postgres://reader…" }
//   PEER_POOL_SIZE              connections of each service's pool (the gateway's DEPARTMENT_POOL_SIZE)
//   PEER_STATEMENT_TIMEOUT_MS   statement and connect timeout of the pools (the gateway's DEPARTMENT_TIMEOUT_MS × 2)
//   PEER_PORT                   port on 127.0.0.1 (0: any free port)
//
// Production settings (run it with GRAPHILE_ENV=production): no GraphiQL (Ruru), no explain, no
// watch, no websockets, no pub/sub client. Prints one JSON line {"msg":"listening","url":…} on stdout
// when it serves; while serving it logs nothing but PostGraphile's own masked-error reports.
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { sql } from 'postgraphile/pg-sql2';
import { extendSchema, gql, pgSmartTagsFromFile } from 'postgraphile/utils';

const fail = (message) => {
  console.error(`peer: ${message}`);
  process.exit(2);
};

const services = JSON.parse(process.env.PEER_SERVICES ?? 'null');
if (!services || typeof services !== 'object' || Object.keys(services).length === 0) fail('PEER_SERVICES must name at least one service');
const poolSize = Number(process.env.PEER_POOL_SIZE ?? 8);
if (!Number.isInteger(poolSize) || poolSize < 1) fail('PEER_POOL_SIZE must be a whole number from 1');
const port = Number(process.env.PEER_PORT ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail('PEER_PORT must be a port number');

const timeoutMs = Number(process.env.PEER_STATEMENT_TIMEOUT_MS ?? 4000);
if (!Number.isInteger(timeoutMs) || timeoutMs < 1) fail('PEER_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds');

/**
 * household.registration lists the members of a FAMILY household only (a collective household's
 * other members are strangers to the person): Household.familyMembers is the household's ACTIVE
 * members when it is a FAMILY household and none otherwise, decided in the same SQL query (the
 * gateway's CASE WHEN h.household_type = 'FAMILY'). The person's own membership, which the gateway
 * adds when it is not ACTIVE, the client has from the membership it came through.
 */
const FamilyMembersPlugin = extendSchema((build) => {
  const member = Object.values(build.input.pgRegistry.pgResources).find(
    (r) => r.codec.extensions?.pg?.schemaName === 'dept_public_security' && r.codec.extensions?.pg?.name === 'household_member' && !r.parameters,
  );
  const household = Object.values(build.input.pgRegistry.pgResources).find(
    (r) => r.codec.extensions?.pg?.schemaName === 'dept_public_security' && r.codec.extensions?.pg?.name === 'household' && !r.parameters,
  );
  if (!member || !household) throw new Error('dept_public_security.household_member or household is not served');
  const householdType = build.getGraphQLTypeNameByPgCodec(household.codec, 'output');
  const memberType = build.getGraphQLTypeNameByPgCodec(member.codec, 'output');
  return {
    typeDefs: gql`
      extend type ${householdType} {
        "The ACTIVE members of a FAMILY household; none for a collective household."
        familyMembers: [${memberType}!]!
      }
    `,
    objects: {
      [householdType]: {
        plans: {
          familyMembers($household) {
            const $members = member.find({ household_number: $household.get('household_number') });
            $members.where(sql`${$members.alias}.status = 'ACTIVE'`);
            $members.where(sql`${$members.placeholder($household.get('household_type'))} = 'FAMILY'`);
            return $members;
          },
        },
      },
    },
  };
});

const preset = {
  extends: [PostGraphileAmberPreset],
  plugins: [pgSmartTagsFromFile(new URL('./postgraphile.tags.json5', import.meta.url).pathname), FamilyMembersPlugin],
  pgServices: Object.entries(services).map(([name, { schema, url }]) =>
    makePgService({
      name,
      connectionString: url,
      schemas: [schema],
      pubsub: false,
      poolConfig: {
        max: poolSize,
        idleTimeoutMillis: 30_000,
        connectionTimeoutMillis: timeoutMs,
        statement_timeout: timeoutMs,
        application_name: `onegate-bench-peer-${name}`,
      },
    }),
  ),
  grafserv: { port, host: '127.0.0.1', graphqlPath: '/graphql', graphiql: false, graphiqlOnGraphQLGET: false, watch: false, websockets: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.once('error', (error) => fail(error.message));
await serv.addTo(server);
await pgl.getSchema();
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  console.log(JSON.stringify({ msg: 'listening', url: `http://127.0.0.1:${address.port}`, node: process.version }));
});

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections?.();
    Promise.resolve(pgl.release()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
