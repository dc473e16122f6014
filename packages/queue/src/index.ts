// @mail/queue: the only package that knows BullMQ: queue names, job schemas, the Redis message spool.
export {};
