/**
 * The categories of a refusal a client can act on: a GraphQL error's `extensions.code`, and through
 * HTTP_STATUS the status of a plain HTTP answer. Each domain names the ones it uses (errorCodes) and
 * its own `reason`s; anything that is not a DomainError is an internal failure, which a client only
 * ever sees as INTERNAL_SERVER_ERROR (GraphQL) or 500 (HTTP), without its message.
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  DEPARTMENT_TIMEOUT: 'DEPARTMENT_TIMEOUT',
  DEPARTMENT_UNAVAILABLE: 'DEPARTMENT_UNAVAILABLE',
  DEPARTMENT_INVALID_RESPONSE: 'DEPARTMENT_INVALID_RESPONSE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The status a plain HTTP route answers a DomainError of each code with. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
  DEPARTMENT_TIMEOUT: 504,
  DEPARTMENT_UNAVAILABLE: 503,
  DEPARTMENT_INVALID_RESPONSE: 502,
};

/**
 * A domain's own set of codes, used like an enum: `const CatalogErrorCode = errorCodes('NOT_FOUND', 'CONFLICT')`,
 * then `CatalogErrorCode.NOT_FOUND`; `CodeOf<typeof CatalogErrorCode>` is its type.
 */
export function errorCodes<const C extends ErrorCode>(...codes: C[]): { readonly [K in C]: K } {
  return Object.freeze(Object.fromEntries(codes.map((code) => [code, code]))) as { readonly [K in C]: K };
}
export type CodeOf<T> = T[keyof T];

/**
 * What besides code and reason a client may be told: never citizen data, SQL or a stack. The
 * GraphQL formatter passes exactly these keys on (plus `field`, which graphql-js's own errors carry).
 */
export interface SafeExtensions {
  /** Which department could not answer (department failures). */
  department?: string;
  /** When to try again (rate limits); HTTP answers also send it as Retry-After. */
  retryAfterSeconds?: number;
  /** Which party role of a case a refusal is about (e.g. MOTHER). */
  role?: string;
  /** The fields of a submitted form that were refused, each with why in English and Chinese; never the values given. */
  fields?: ReadonlyArray<{ readonly key: string; readonly message: string; readonly messageZh: string }>;
}
export const SAFE_EXTENSION_KEYS: readonly (keyof SafeExtensions)[] = ['department', 'retryAfterSeconds', 'role', 'fields'];

export interface DomainErrorOptions extends SafeExtensions {
  /** The failure behind it, for the log only: never shown to the client. */
  cause?: unknown;
}

/**
 * onegate's one error type for refusals written for the client: a `code` (the category, above), a
 * `reason` stable for clients and tests to branch on (each domain types its own), a message in plain
 * words that never carries a token, key or citizen data, and optionally SafeExtensions.
 *
 * It knows no transport: GraphQL answers it through Apollo's formatError (common/graphql/error-format.ts;
 * graphql-js carries `extensions` over to the field error), plain HTTP routes through DomainErrorFilter,
 * which maps the code to a status. Domains subclass it only to type their reasons and name their factories.
 */
export class DomainError<Reason extends string = string, Code extends ErrorCode = ErrorCode> extends Error {
  readonly extensions: { readonly code: Code; readonly reason: Reason } & Readonly<SafeExtensions>;

  constructor(code: Code, reason: Reason, message: string, options: DomainErrorOptions = {}) {
    const { cause, ...extra } = options;
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    const extensions: Record<string, unknown> = { code, reason };
    for (const key of SAFE_EXTENSION_KEYS) if (extra[key] !== undefined) extensions[key] = extra[key];
    this.extensions = extensions as DomainError<Reason, Code>['extensions'];
  }

  get code(): Code {
    return this.extensions.code;
  }

  get reason(): Reason {
    return this.extensions.reason;
  }
}
