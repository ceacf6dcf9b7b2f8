/**
 * The Lua scripts behind leases, fenced writes of the last state, and the shared rate budget. Each runs
 * atomically in Redis. Internal to live/redis.
 *
 * Keys per topic: `lease` (the holder's token, with a TTL), `fence` (raised on every acquisition),
 * `state` (a hash: `v` the version, `m` the message JSON).
 */

/**
 * Takes the lease (`SET NX PX`) and raises the fence, or renews it when this token already holds it. The
 * new fence is above the previous one, above `floor` (the newest fence the caller has seen), and at
 * least Redis's clock in ms: so it keeps growing even after Redis lost its data (a restart without
 * persistence), and versions built on it stay newer than any a subscriber already has.
 * KEYS: lease, fence, state. ARGV: token, lease TTL ms, floor, state TTL ms, the newest version the
 * caller has. Returns `{fence or 0 when another holds the lease, the stored message JSON when it is newer
 * than the caller's version, else false}`.
 */
export const ACQUIRE = `
local fence = 0
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  fence = math.max(tonumber(redis.call('GET', KEYS[2]) or '0') + 1, tonumber(ARGV[3]) + 1, now)
  redis.call('SET', KEYS[2], string.format('%d', fence), 'PX', ARGV[4])
elseif redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  fence = tonumber(redis.call('GET', KEYS[2]) or '0')
end
local stored = false
if tonumber(redis.call('HGET', KEYS[3], 'v') or '0') > tonumber(ARGV[5]) then
  stored = redis.call('HGET', KEYS[3], 'm')
end
return {fence, stored}
`;

/**
 * Keeps a held lease (and the state and fence keys) alive. KEYS: lease, fence, state.
 * ARGV: token, lease TTL ms, state TTL ms. Returns 1, or 0 when the token no longer holds the lease.
 */
export const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return 1
`;

/** Compare-and-delete. KEYS: lease. ARGV: token. Returns 1 when released. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * A fenced publish: only the current holder (token and fence both current) may publish, and only a
 * version above the stored one. KEYS: lease, fence, state. ARGV: token, fence, version, message JSON,
 * keep ('1': store as the last state), state TTL ms, channel.
 * Returns 1 published, 0 not the holder (or a stale fence), -1 a newer version is stored.
 */
export const WRITE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(redis.call('GET', KEYS[2]) or '0') ~= tonumber(ARGV[2]) then return 0 end
if tonumber(ARGV[3]) <= tonumber(redis.call('HGET', KEYS[3], 'v') or '0') then return -1 end
if ARGV[5] == '1' then
  redis.call('HSET', KEYS[3], 'v', ARGV[3], 'm', ARGV[4])
  redis.call('PEXPIRE', KEYS[3], ARGV[6])
end
redis.call('PUBLISH', ARGV[7], ARGV[4])
return 1
`;

/**
 * A shared token bucket as a reservation (GCRA): each call takes the next free slot, `1000 / rate` ms
 * apart, with bursts up to one second's worth, and learns how long to wait for it, so a waiting caller
 * asks once instead of retrying. Time is Redis's own, the same for every replica.
 * KEYS: the operation's theoretical arrival time. ARGV: rate per second.
 * Returns the ms to wait before the call may start (0: now).
 */
export const RATE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = 1000 / tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local next = tat + interval
redis.call('SET', KEYS[1], tostring(next), 'PX', math.ceil(next - now) + 1000)
local wait = math.ceil(next - 1000 - now)
if wait < 0 then return 0 end
return wait
`;
