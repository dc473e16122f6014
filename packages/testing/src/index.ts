// @mail/testing: test support for the suite: a throwaway redis-server, free loopback ports, temporary directories, process checks.
export * from './paths.js';
export * from './ports.js';
export * from './process.js';
export * from './redis.js';
export * from './tmp.js';
