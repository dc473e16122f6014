// Lua scripts that keep the spool's reference counts and index consistent; each runs atomically in Redis.
// KEYS are always [meta hash, data list, index sorted set, released-by set, writer's claim] of one entry,
// all in the suite's hash slot.

/** Reserves a caller-chosen id for one writer before any chunk is written. ARGV: id, writer token, claim lifetime (ms).
 *  Returns 0 when reserved, 1 when a message is stored under the id, 2 when another writer holds or is filling it. */
export const CLAIM = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end
if redis.call('EXISTS', KEYS[5]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
redis.call('SET', KEYS[5], ARGV[2], 'PX', ARGV[3])
return 0
`;

/** Gives up a claimed put: deletes its chunks and its claim, but only while the claim is still this writer's.
 *  ARGV: id, writer token. Returns 1 when something was deleted. */
export const ABORT = `
if redis.call('GET', KEYS[5]) ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[2], KEYS[5])
return 1
`;

/** Completes a put: checks every chunk arrived, writes the metadata, makes the data permanent, indexes the id.
 *  ARGV: id, size, chunks, refs, now, writer token ('' for an id the spool chose itself; otherwise the claim must
 *  still be this writer's, and is dropped). Returns 1, or an error when chunks are missing or the id is taken. */
export const COMMIT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.error_reply('ERR spool id already committed') end
if ARGV[6] ~= nil and ARGV[6] ~= '' then
  if redis.call('GET', KEYS[5]) ~= ARGV[6] then return redis.error_reply('ERR spool id claim lost') end
  redis.call('DEL', KEYS[5])
end
local chunks = tonumber(ARGV[3])
if redis.call('LLEN', KEYS[2]) ~= chunks then return redis.error_reply('ERR spool data incomplete') end
redis.call('HSET', KEYS[1], 'size', ARGV[2], 'chunks', ARGV[3], 'refs', ARGV[4], 'created', ARGV[5], 'touched', ARGV[5])
if chunks > 0 then redis.call('PERSIST', KEYS[2]) end
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
return 1
`;

/** Stores a message of one chunk in one step (no claim, writes or commit of their own). The id must be free: no
 *  entry, no claim by another writer, no data. ARGV: id, size, refs, now, the chunk. Returns 0 when stored, 1 when a
 *  message is stored under the id, 2 when another writer holds or is filling it. */
export const PUT_WHOLE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end
if redis.call('EXISTS', KEYS[5]) == 1 or redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
redis.call('RPUSH', KEYS[2], ARGV[5])
redis.call('HSET', KEYS[1], 'size', ARGV[2], 'chunks', 1, 'refs', ARGV[3], 'created', ARGV[4], 'touched', ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return 0
`;

/** Drops one reference; deletes the entry when none is left. A holder (a job id) releases at most once.
 *  ARGV: id, holder or ''. Returns the references left (0 = deleted), or -1 when the entry does not exist. */
export const RELEASE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if ARGV[2] ~= '' and redis.call('SADD', KEYS[4], ARGV[2]) == 0 then
  return tonumber(redis.call('HGET', KEYS[1], 'refs'))
end
local refs = redis.call('HINCRBY', KEYS[1], 'refs', -1)
if refs <= 0 then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[4])
  redis.call('ZREM', KEYS[3], ARGV[1])
  return 0
end
return refs
`;

/** Adds references (a consumer that creates more jobs for the same message).
 *  ARGV: id, n, now. Returns the new count, or -1 when the entry does not exist. */
export const RETAIN = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local refs = redis.call('HINCRBY', KEYS[1], 'refs', tonumber(ARGV[2]))
redis.call('HSET', KEYS[1], 'touched', ARGV[3])
return refs
`;

/** Deletes an entry nobody references any more, unless it was touched (created or retained) after the cutoff.
 *  ARGV: id, cutoff. Returns 1 when deleted. */
export const SWEEP = `
local touched = tonumber(redis.call('HGET', KEYS[1], 'touched') or '0')
if touched > tonumber(ARGV[2]) then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[4])
redis.call('ZREM', KEYS[3], ARGV[1])
return 1
`;

/** Deletes an entry whatever its count (a submission that was given up), ARGV: id. Returns 1 when it existed. */
export const DISCARD = `
local existed = redis.call('DEL', KEYS[1], KEYS[2], KEYS[4])
redis.call('ZREM', KEYS[3], ARGV[1])
if existed > 0 then return 1 end
return 0
`;
