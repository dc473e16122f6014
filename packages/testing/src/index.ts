// @mail/testing: test support for the suite: a throwaway redis-server, free loopback ports, temporary directories.
export * from './paths.js';
export * from './ports.js';
export * from './redis.js';
export * from './tmp.js';
