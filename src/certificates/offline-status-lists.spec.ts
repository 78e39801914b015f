import { indexStatusLists, offlineStatusListSource, OfflineStatusListError, printable, readCachedStatusList } from './offline-status-lists.js';

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const URL_A = 'https://onegate.example/status-lists/CIVIL_AFFAIRS/1/revocation';
const URL_B = 'https://onegate.example/status-lists/CIVIL_AFFAIRS/1/suspension';

/** An (unsigned-looking) compact JWS: the index only decodes, it never verifies. */
function listJws(id: unknown, type: unknown = ['VerifiableCredential', 'BitstringStatusListCredential']): string {
  return `${b64url({ alg: 'ES256', typ: 'vc+jwt' })}.${b64url({ id, type })}.c2ln`;
}

describe('offline status lists', () => {
  it('indexes cached lists by their id, ignoring surrounding whitespace', async () => {
    const lists = indexStatusLists([
      { source: 'a.jwt', text: `\n${listJws(URL_A)}\n` },
      { source: 'b.jwt', text: listJws(URL_B) },
    ]);
    expect([...lists.keys()]).toEqual([URL_A, URL_B]);
    expect(lists.get(URL_A)).toEqual({ url: URL_A, source: 'a.jwt', compact: listJws(URL_A) });

    const source = offlineStatusListSource(lists);
    expect(await source.statusList(URL_A)).toBe(listJws(URL_A));
    expect(await source.statusList('https://elsewhere.example/list')).toBeNull();
    expect(await source.statusList(URL_A)).toBe(listJws(URL_A));
    expect(source.requests()).toEqual([
      { url: URL_A, source: 'a.jwt' },
      { url: 'https://elsewhere.example/list', source: null },
    ]);
  });

  it.each([
    ['', 'it is empty'],
    ['not a jws', 'three dot-separated parts'],
    [listJws(URL_A, ['VerifiableCredential']), 'its type is not BitstringStatusListCredential'],
    [listJws(42), 'it has no id'],
  ])('refuses %j', (text, message) => {
    expect(() => readCachedStatusList({ source: 'x.jwt', text })).toThrow(OfflineStatusListError);
    expect(() => readCachedStatusList({ source: 'x.jwt', text })).toThrow(message);
  });

  it('refuses two files for the same list', () => {
    expect(() =>
      indexStatusLists([
        { source: 'old.jwt', text: listJws(URL_A) },
        { source: 'new.jwt', text: listJws(URL_A) },
      ]),
    ).toThrow('old.jwt and new.jwt are both the status list');
  });

  it('printable escapes terminal control and bidi characters and cuts long text', () => {
    expect(printable('a\u001b[31mb\u009bc\u202ed\né')).toBe('a\\u001b[31mb\\u009bc\\u202ed\\u000aé');
    expect(printable('x'.repeat(10), 4)).toBe('xxxx…');
  });
});
