/**
 * A keyset cursor of a page ordered by a time and a row id: opaque to clients (base64url of
 * "<ISO time or nothing>|<uuid>"), read back only as the API wrote it.
 */
export function keysetCursor(at: Date | null, id: string): string {
  return Buffer.from(`${at?.toISOString() ?? ''}|${id}`, 'utf8').toString('base64url');
}

/** The time and id of a cursor keysetCursor wrote; null for anything else (the caller refuses it with its domain's CURSOR_INVALID). */
export function readKeysetCursor(cursor: string): { at: Date | null; id: string } | null {
  const [time, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = time ? new Date(time) : null;
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || (at && Number.isNaN(at.getTime()))) return null;
  return { at, id };
}
