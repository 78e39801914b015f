// The parts of Digital Bazaar's Bitstring Status List library the conformance tests use (it ships
// no types of its own).
declare module '@digitalbazaar/vc-bitstring-status-list' {
  type Credential = Record<string, unknown>;
  type DocumentLoader = (url: string) => Promise<{ documentUrl: string; document: unknown; contextUrl: string | null }>;
  export function statusTypeMatches(options: { credential: Credential }): boolean;
  export function getCredentialStatus(options: { credential: Credential; statusPurpose: string }): Record<string, unknown>;
  export function decodeList(options: { encodedList: string }): Promise<{ length: number; getStatus(index: number): boolean }>;
  export function checkStatus(options: {
    credential: Credential;
    documentLoader: DocumentLoader;
    suite?: unknown;
    verifyBitstringStatusListCredential?: boolean;
    verifyMatchingIssuers?: boolean;
  }): Promise<{ verified: boolean; error?: Error; results?: Array<{ verified: boolean; credentialStatus: Record<string, unknown>; status: boolean }> }>;
}
