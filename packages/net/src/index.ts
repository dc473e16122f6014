// Client addresses and connection limits shared by every listener of the suite.
export { clientKey, ipv6Groups, isLoopback, normalizeIp } from './address.js';
export { ConnectionLimiter, type Refusal, type Slot } from './limiter.js';
export { NetworkList, NetworkListError } from './network-list.js';
