// The part of Digital Bazaar's copy of the W3C credentials contexts the conformance tests use (it
// ships no types of its own): the context documents by URL, e.g. https://www.w3.org/ns/credentials/v2.
declare module '@digitalbazaar/credentials-context' {
  export const contexts: Map<string, Record<string, unknown>>;
}
