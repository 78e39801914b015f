import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../common/project-root.js';
import { isJsonObject, ONEGATE_CONTEXT_V1, ONEGATE_CONTEXT_V1_DIGEST_SRI, ONEGATE_VOCABULARY } from './credential-model.js';

/**
 * onegate's JSON-LD contexts as files: read from schemas/contexts/, checked against their pinned
 * digests, and taken apart into term definitions (for the catalog check that every claim name is
 * defined, and for serving them). JSON-LD 1.1; see docs/certificates.md, "JSON-LD contexts".
 */

/** A context onegate has published: its URL (an identifier), the gateway path serving it, its file and digest. */
export interface PublishedContext {
  url: string;
  /** Path under the gateway's base URL, without the leading slash. */
  path: string;
  /** File name in schemas/contexts/. */
  file: string;
  digestSRI: string;
}

/** Every version ever published, oldest first; the last is the one credentials are issued with. */
export const ONEGATE_CONTEXTS: readonly PublishedContext[] = [
  { url: ONEGATE_CONTEXT_V1, path: 'ns/credentials/v1', file: 'onegate-credentials-v1.jsonld', digestSRI: ONEGATE_CONTEXT_V1_DIGEST_SRI },
];

export const JSON_LD_MEDIA_TYPE = 'application/ld+json';

const XSD_DATE = 'http://www.w3.org/2001/XMLSchema#date';

/**
 * The terms the W3C VC 2.0 context (https://www.w3.org/ns/credentials/v2) defines at its top level,
 * so in every node of a credential, `credentialSubject` included. They are protected: onegate's
 * context may not define them again.
 */
export const VC_V2_TERMS: ReadonlySet<string> = new Set([
  'id',
  'type',
  'description',
  'digestMultibase',
  'digestSRI',
  'mediaType',
  'name',
  'VerifiableCredential',
  'EnvelopedVerifiableCredential',
  'VerifiablePresentation',
  'EnvelopedVerifiablePresentation',
  'JsonSchemaCredential',
  'JsonSchema',
  'BitstringStatusListCredential',
  'BitstringStatusList',
  'BitstringStatusListEntry',
  'DataIntegrityProof',
  '...',
  '_sd',
  '_sd_alg',
  'aud',
  'cnf',
  'exp',
  'iat',
  'iss',
  'jku',
  'kid',
  'nbf',
  'sub',
  'x5u',
]);

/** VC 2.0 terms a claim may be named after: plain schema.org properties, no type coercion. */
export const VC_V2_CLAIM_TERMS: ReadonlySet<string> = new Set(['name', 'description']);

/** What a term means: its IRI and the type its values are read as (`@id`, an XSD datatype), if any. */
export interface TermDefinition {
  id: string;
  type: string | null;
}

/** A context file, read and checked. */
export interface LoadedContext extends PublishedContext {
  /** The file's bytes, exactly as served. */
  bytes: Buffer;
  terms: ReadonlyMap<string, TermDefinition>;
}

export class ContextFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContextFileError';
  }
}

/** Subresource Integrity form of the SHA-384 digest of `bytes` (VC 2.0 `digestSRI`). */
export function digestSRI(bytes: Uint8Array): string {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

export function contextsDir(): string {
  return join(projectRoot(), 'schemas', 'contexts');
}

/**
 * Reads a published context and checks it: its bytes match the pinned digest (a published context
 * never changes), and it is a flat, protected JSON-LD context whose terms are all under
 * ONEGATE_VOCABULARY and none of them a VC 2.0 term. Throws ContextFileError naming the file.
 */
export function loadContext(published: PublishedContext = ONEGATE_CONTEXTS.at(-1)!, dir = contextsDir()): LoadedContext {
  const path = join(dir, published.file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ContextFileError(`${path}: ${(error as Error).message}`);
  }
  const actual = digestSRI(bytes);
  if (actual !== published.digestSRI) {
    throw new ContextFileError(
      `${path} is not the context published as ${published.url} (its digest is ${actual}, not ${published.digestSRI}): ` +
        'a published context never changes, since credentials pin its digest; put new terms in a new version of the context',
    );
  }
  try {
    return { ...published, bytes, terms: parseContext(JSON.parse(bytes.toString('utf8'))) };
  } catch (error) {
    throw new ContextFileError(`${path}: ${(error as Error).message}`);
  }
}

/** The term definitions of a flat context document `{ "@context": { "@protected": true, term: IRI | { "@id", "@type"? } } }`. */
export function parseContext(document: unknown): Map<string, TermDefinition> {
  const context = isJsonObject(document) ? document['@context'] : undefined;
  if (!isJsonObject(context) || Object.keys(document as object).length !== 1) throw new ContextFileError('a context document is one object with "@context"');
  if (context['@protected'] !== true) throw new ContextFileError('the context must say "@protected": true, as the VC 2.0 context does');
  const terms = new Map<string, TermDefinition>();
  for (const [term, value] of Object.entries(context)) {
    if (term === '@protected') continue;
    if (term.startsWith('@') || VC_V2_TERMS.has(term))
      throw new ContextFileError(`"${term}" is a keyword or a VC 2.0 term, which onegate's context may not define`);
    const definition: TermDefinition | null =
      typeof value === 'string'
        ? { id: value, type: null }
        : isJsonObject(value) &&
            typeof value['@id'] === 'string' &&
            Object.keys(value).every((key) => key === '@id' || key === '@type') &&
            (value['@type'] === undefined || typeof value['@type'] === 'string')
          ? { id: value['@id'], type: (value['@type'] as string | undefined) ?? null }
          : null;
    if (!definition) throw new ContextFileError(`"${term}" must be an IRI or { "@id", "@type"? }`);
    if (definition.id !== `${ONEGATE_VOCABULARY}${term}`) throw new ContextFileError(`"${term}" must mean ${ONEGATE_VOCABULARY}${term}`);
    if (definition.type !== null && definition.type !== '@id' && definition.type !== XSD_DATE) throw new ContextFileError(`"${term}" has an unexpected @type`);
    terms.set(term, definition);
  }
  return terms;
}

/** One name a credential carries in its credentialSubject: a claim, or a field of the objects of an `all` claim. */
export interface ClaimTerm {
  /** Where it is declared, e.g. `claims.properties.fields[1]`. */
  at: string;
  name: string;
  /** The claims schema says `"format": "date"`. */
  date: boolean;
}

/**
 * Why these claim names are not properly defined by `context` (empty: they all are). A name is
 * defined by onegate's context, or is one of the plain VC 2.0 terms (`name`); a date claim is
 * typed `xsd:date`, and nothing else is coerced (a string read as an IRI would be a relative one).
 */
export function claimTermProblems(claims: readonly ClaimTerm[], context: LoadedContext): string[] {
  const problems: string[] = [];
  for (const claim of claims) {
    const term = context.terms.get(claim.name);
    if (!term) {
      if (VC_V2_CLAIM_TERMS.has(claim.name) && !claim.date) continue;
      problems.push(
        `${claim.at}: "${claim.name}" is not defined in onegate's JSON-LD context (schemas/contexts/${context.file}), so JSON-LD processors reject the credential; ` +
          'a published context never changes: define it in a new version of the context',
      );
    } else if (term.type !== (claim.date ? XSD_DATE : null)) {
      problems.push(
        `${claim.at}: "${claim.name}" is ${claim.date ? 'a date' : 'not a date'} but schemas/contexts/${context.file} types it ${term.type ?? 'as a plain literal'}`,
      );
    }
  }
  return problems;
}
