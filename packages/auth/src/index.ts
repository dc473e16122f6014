// @mail/auth: accounts, domains, aliases, password schemes, SASL mechanisms and login throttling.
export {};
export * from './directory/index.js';
export * from './throttle/index.js';
export * from './password/index.js';
export * from './sasl/index.js';
export { Authenticator, type AuthenticatorOptions, type AuthLogger, type ClientBackend, type LoginContext, type LoginResult, type PasswordFunctions } from './authenticator.js';
