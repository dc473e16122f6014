// @mail/auth: accounts, domains, aliases, password schemes, SASL mechanisms and login throttling.
export {};
