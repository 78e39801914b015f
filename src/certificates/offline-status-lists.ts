import { MAX_STATUS_LIST_CREDENTIAL_LENGTH } from './credential/credential-model.js';
import { STATUS_LIST_TOKEN_TYPE } from './credential/token-status-list.js';
import { splitCompactJws } from './credential/vc-jwt.js';

/**
 * Status lists cached for offline verification (`cert:verify --status-list FILE`): W3C Bitstring
 * Status List credentials (`vc+jwt`) and IETF Token Status List tokens (`statuslist+jwt`).
 *
 * Each cached list is indexed by the URL it is published at, as its payload states it — a
 * credential's `id` (which the VC's status entries name in `statusListCredential`) or a token's
 * `sub` (which an SD-JWT VC's `status.status_list.uri` names). The payload is only decoded here,
 * not verified: `verifyCredential` verifies a list (signature, chain, department, purpose, `id` or
 * `sub`, validity) when a credential points at it, so a forged or stale file can only make the
 * status UNKNOWN, never VALID.
 */

/** A cached list that cannot be used at all (not a compact JWS, no `id`…); the CLI's exit code 2. */
export class OfflineStatusListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OfflineStatusListError';
  }
}

export interface StatusListFile {
  /** Where it came from (a file name), for messages. */
  source: string;
  /** The file's text; surrounding whitespace is ignored. */
  text: string;
}

export interface CachedStatusList {
  url: string;
  source: string;
  compact: string;
}

/** Reads the URL of a cached status list (credential `id` or token `sub`) without verifying it. Throws OfflineStatusListError. */
export function readCachedStatusList(file: StatusListFile): CachedStatusList {
  const compact = file.text.trim();
  const notAList = (why: string) =>
    new OfflineStatusListError(`${file.source} is not a status list (a compact vc+jwt or statuslist+jwt as served at /status-lists/...): ${why}`);
  if (compact.length === 0) throw notAList('it is empty');
  const parts = splitCompactJws(compact, MAX_STATUS_LIST_CREDENTIAL_LENGTH);
  if (!parts.ok) throw notAList(parts.message);
  const { header, payload } = parts;
  if (header['typ'] === STATUS_LIST_TOKEN_TYPE) {
    const sub = payload['sub'];
    if (typeof sub !== 'string' || sub.length === 0) throw notAList('its sub (the URL it is published at) is missing');
    return { url: sub, source: file.source, compact };
  }
  const type = payload['type'];
  if (!Array.isArray(type) || !type.includes('BitstringStatusListCredential')) throw notAList('its type is not BitstringStatusListCredential');
  const url = payload['id'];
  if (typeof url !== 'string' || url.length === 0) throw notAList('it has no id (the URL it is published at)');
  return { url, source: file.source, compact };
}

/**
 * Indexes cached lists by URL. Two files for the same URL are refused rather than one silently
 * chosen: the user decides which copy is current.
 */
export function indexStatusLists(files: readonly StatusListFile[]): ReadonlyMap<string, CachedStatusList> {
  const byUrl = new Map<string, CachedStatusList>();
  for (const file of files) {
    const list = readCachedStatusList(file);
    const earlier = byUrl.get(list.url);
    if (earlier) {
      throw new OfflineStatusListError(`${earlier.source} and ${list.source} are both the status list ${printable(list.url)}; pass only the current one`);
    }
    byUrl.set(list.url, list);
  }
  return byUrl;
}

/** What the verifier asked for, so the CLI can say which lists it still needs. */
export interface StatusListRequest {
  url: string;
  /** The cached file that answered, or null when none was given for that URL. */
  source: string | null;
}

export interface OfflineStatusListSource {
  /** The `statusList` option of verifyCredential: the cached JWT for a URL, or null. Never fetches. */
  statusList: (url: string) => Promise<string | null>;
  /** Every URL looked up, in order, once each. */
  requests: () => StatusListRequest[];
}

export function offlineStatusListSource(lists: ReadonlyMap<string, CachedStatusList>): OfflineStatusListSource {
  const requests = new Map<string, StatusListRequest>();
  return {
    statusList: async (url) => {
      const cached = lists.get(url);
      if (!requests.has(url)) requests.set(url, { url, source: cached?.source ?? null });
      return cached?.compact ?? null;
    },
    requests: () => [...requests.values()],
  };
}

/**
 * A string safe to print on a terminal: control characters (C0, DEL, C1) and bidirectional
 * overrides are escaped, and overly long text is cut, so signed content cannot rewrite the output.
 */
export function printable(text: string, maxLength = 2048): string {
  const cut = text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
  return cut.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
