/**
 * How the public verification page names a certificate's holder: enough for the person in front of
 * the reader to recognise themself, not enough to learn who they are from a photo of the QR code.
 */

/** The first character, then one `*` for every further character: 李伟 → 李*, 欧阳娜娜 → 欧***. */
export function maskName(name: string): string {
  const characters = Array.from(name.trim());
  if (characters.length === 0) return '';
  return characters[0]! + '*'.repeat(characters.length - 1);
}

/** The first 4 and the last 4 characters kept, the rest `*`: 330825198803142023 → 3308**********2023. */
export function maskIdentifier(id: string): string {
  const characters = Array.from(id.trim());
  if (characters.length <= 8) return '*'.repeat(characters.length);
  return characters.slice(0, 4).join('') + '*'.repeat(characters.length - 8) + characters.slice(-4).join('');
}
