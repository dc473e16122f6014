// @mail/maildir: Maildir and Maildir++ storage shared by the mda, pop3d and imapd.
export {};
