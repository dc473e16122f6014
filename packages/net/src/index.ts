// Client addresses, connection limits and the process pool shared by every listener of the suite.
export { clientKey, ipv6Groups, isLoopback, normalizeIp } from './address.js';
export { ConnectionLimiter, type Refusal, type Slot } from './limiter.js';
export { NetworkList, NetworkListError } from './network-list.js';
export { forkSelf, isPoolWorker, listenOn, POOL_WORKER_ENV, poolWorkerNumber, serveFromPool, startPool, type BoundPoolListener, type Pool, type PoolListener, type PoolLog, type PoolOptions } from './pool.js';
