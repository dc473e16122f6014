// Unique-ids for UIDL (RFC 1939 §7): Dovecot's default pop3_uidl_format "%08Xu%08Xv", so clients that switch
// between this server, IMAP and Dovecot keep recognising the messages they already downloaded. Dovecot's X
// modifier writes lower-case hexadecimal (checked against Dovecot 2.3 in the whole-stack tests).

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** The unique-id of a message: its UID then the folder's UIDVALIDITY, each as 8 hexadecimal digits. */
export function uidlOf(uid: number, uidValidity: number): string {
  return hex8(uid) + hex8(uidValidity);
}
