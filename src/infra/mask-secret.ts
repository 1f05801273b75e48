/** ****abcd: only the last 4 characters (none of a short value). Keys and secrets are never shown whole. */
export function maskSecret(s: string | null | undefined): string {
  if (!s) return '';
  return s.length >= 12 ? `****${s.slice(-4)}` : '****';
}
