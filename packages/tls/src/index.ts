// @mail/tls: certificates with SNI and hot reload, secure defaults, a self-signed development certificate.
export {};
