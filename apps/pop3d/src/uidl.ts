// Unique-ids for UIDL (RFC 1939 §7): Dovecot's default pop3_uidl_format "%08Xu%08Xv", so clients that switch
// between this server, IMAP and Dovecot keep recognising the messages they already downloaded.

function hex8(n: number): string {
  return (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** The unique-id of a message: its UID then the folder's UIDVALIDITY, each as 8 upper-case hexadecimal digits. */
export function uidlOf(uid: number, uidValidity: number): string {
  return hex8(uid) + hex8(uidValidity);
}
