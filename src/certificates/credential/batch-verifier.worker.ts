// One worker of a BatchVerifier (batch-verifier.ts): verifies the chunks of credentials it is sent,
// in its own thread, with signatures checked inline, and posts each chunk's results back.
import { parentPort, workerData } from 'node:worker_threads';
import { readCatalogFiles } from '../../catalog/catalog-files.js';
import { certificateTypeMap, readCertificateTypes } from '../certificate-types.js';
import { indexStatusLists, offlineStatusListSource } from '../offline-status-lists.js';
import { trustAnchorsFromPem } from '../trust/chain.js';
import type { BatchRequest, BatchResponse, BatchWorkerData } from './batch-verifier.js';
import { verifyCredential, type VerifyOptions } from './verify-credential.js';

const data = workerData as BatchWorkerData;
const anchors = trustAnchorsFromPem(data.anchorsPem);
const types = certificateTypeMap(readCertificateTypes(readCatalogFiles()));
const statusList =
  data.statusLists.kind === 'offline'
    ? offlineStatusListSource(indexStatusLists(data.statusLists.files)).statusList
    : fetchedStatusLists(data.statusLists.maxAgeMs);

parentPort!.on('message', (request: BatchRequest) => {
  void verifyChunk(request).then((response) => parentPort!.postMessage(response));
});

async function verifyChunk({ chunk, credentials, now }: BatchRequest): Promise<BatchResponse> {
  const options: VerifyOptions = { anchors, types, now: new Date(now), statusList, signatures: 'inline' };
  const results = [];
  // One after another: this thread has nothing else to do, and the signature checks are synchronous.
  for (const credential of credentials) results.push(await verifyCredential(credential, options));
  return { chunk, results };
}

/** Status lists fetched by URL, each kept for `maxAgeMs` (a failed fetch is not kept). */
function fetchedStatusLists(maxAgeMs: number): (url: string) => Promise<string | null> {
  const cache = new Map<string, { at: number; list: Promise<string | null> }>();
  return (url) => {
    const cached = cache.get(url);
    if (cached && Date.now() - cached.at < maxAgeMs) return cached.list;
    const list = fetch(url, { redirect: 'error', signal: AbortSignal.timeout(10_000) })
      .then(async (response) => (response.ok ? response.text() : null))
      .catch(() => null);
    cache.set(url, { at: Date.now(), list });
    void list.then((text) => {
      if (text === null) cache.delete(url);
    });
    return list;
  };
}
