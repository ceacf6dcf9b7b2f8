/**
 * The Lua scripts behind leases, fenced writes of the last state, and the shared rate budget. Each runs
 * atomically in Redis. Internal to live/redis.
 *
 * Keys per topic: `lease` (the holder's token, with a TTL), `fence` (raised on every acquisition),
 * `state` (a hash: `v` the version, `m` the message JSON). Keys per list parent: `parent` (its holder's
 * token, with a TTL: the holder of a parent takes the topic leases of all its watched loads), `members`
 * (a sorted set of the topics of the parent's loads watched on any replica, scored by when each entry
 * expires), `members-gen` (raised whenever a topic joins the set, so the holder re-reads it only then).
 */

/** Redis's clock in ms, as `now` (every replica reads the same clock). */
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * Takes the topic lease (KEYS[lease], KEYS[fence]) and sets `fence` (declared by the caller, 0: another
 * holds it), or keeps it: ARGV[token], ARGV[ttl], ARGV[floor], ARGV[stateTtl] name the ARGV indexes.
 * Expects `now`.
 */
const TAKE_TOPIC = (
  lease: number,
  fence: number,
  a: { token: number; ttl: number; floor: number; stateTtl: number },
) => `
if redis.call('SET', KEYS[${lease}], ARGV[${a.token}], 'NX', 'PX', ARGV[${a.ttl}]) then
  fence = math.max(tonumber(redis.call('GET', KEYS[${fence}]) or '0') + 1, tonumber(ARGV[${a.floor}]) + 1, now)
  redis.call('SET', KEYS[${fence}], string.format('%d', fence), 'PX', ARGV[${a.stateTtl}])
elseif redis.call('GET', KEYS[${lease}]) == ARGV[${a.token}] then
  redis.call('PEXPIRE', KEYS[${lease}], ARGV[${a.ttl}])
  fence = tonumber(redis.call('GET', KEYS[${fence}]) or '0')
end
`;

/**
 * Records that a replica watches topic ARGV[topic] of a parent (KEYS[members], KEYS[gen]) for ARGV[ttl]
 * ms more; raises the generation when the topic was not in the set (or its entry had expired). Expects
 * `now`.
 */
const HEARTBEAT = (members: number, gen: number, a: { topic: number; ttl: number; stateTtl: number }) => `
local seen = redis.call('ZSCORE', KEYS[${members}], ARGV[${a.topic}])
redis.call('ZADD', KEYS[${members}], string.format('%d', now + tonumber(ARGV[${a.ttl}])), ARGV[${a.topic}])
redis.call('PEXPIRE', KEYS[${members}], string.format('%d', 3 * tonumber(ARGV[${a.ttl}])))
if not seen or tonumber(seen) <= now then
  local gen = math.max(tonumber(redis.call('GET', KEYS[${gen}]) or '0') + 1, now)
  redis.call('SET', KEYS[${gen}], string.format('%d', gen), 'PX', ARGV[${a.stateTtl}])
end
`;

/** The live entries of the parent's member set KEYS[members] (expired ones are dropped). Expects `now`. */
const LIVE_MEMBERS = (members: number) => `
redis.call('ZREMRANGEBYSCORE', KEYS[${members}], '-inf', string.format('%d', now))
local members = redis.call('ZRANGEBYSCORE', KEYS[${members}], '(' .. string.format('%d', now), '+inf')
`;

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
${NOW}
local fence = 0
${TAKE_TOPIC(1, 2, { token: 1, ttl: 2, floor: 3, stateTtl: 4 })}
local stored = false
if tonumber(redis.call('HGET', KEYS[3], 'v') or '0') > tonumber(ARGV[5]) then
  stored = redis.call('HGET', KEYS[3], 'm')
end
return {fence, stored}
`;

/**
 * The claim of a topic whose load has a list parent: the topic lease goes only to the parent's holder.
 * Takes the parent's lease (`SET NX PX`) or keeps it; as its holder, takes or keeps the topic lease as
 * {@link ACQUIRE} does (its fence rules unchanged: versions stay monotonic per topic whoever held it
 * before, under a parent or alone); not its holder, gives up the topic lease if it has it (it was taken
 * before the parent was known, or under a parent since lost). A watched topic (ARGV 7 = '1') is recorded
 * in the parent's member set. The holder gets the live member set when its generation differs from the
 * one it last read (ARGV 8).
 * KEYS: parent, members, members-gen, lease, fence, state. ARGV: token, lease TTL ms, floor, state TTL ms,
 * the newest version the caller has, topic, watched, last generation read.
 * Returns `{fence or 0, stored message JSON or false, 1 when the parent is held, generation, members or
 * false}`.
 */
export const CLAIM_UNDER_PARENT = `
${NOW}
if ARGV[7] == '1' then
${HEARTBEAT(2, 3, { topic: 6, ttl: 2, stateTtl: 4 })}
end
local parent = 0
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  parent = 1
elseif redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  parent = 1
end
local fence = 0
if parent == 1 then
${TAKE_TOPIC(4, 5, { token: 1, ttl: 2, floor: 3, stateTtl: 4 })}
elseif redis.call('GET', KEYS[4]) == ARGV[1] then
  redis.call('DEL', KEYS[4])
end
local stored = false
if tonumber(redis.call('HGET', KEYS[6], 'v') or '0') > tonumber(ARGV[5]) then
  stored = redis.call('HGET', KEYS[6], 'm')
end
local gen = redis.call('GET', KEYS[3]) or '0'
local listed = false
if parent == 1 and gen ~= ARGV[8] then
${LIVE_MEMBERS(2)}
  listed = members
end
return {fence, stored, parent, gen, listed}
`;

/**
 * Keeps a held parent lease alive and reads the parent's live member set. KEYS: parent, members,
 * members-gen. ARGV: token, lease TTL ms. Returns `{generation, members}`, or false when the token no
 * longer holds the parent.
 */
export const RENEW_PARENT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return false end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
${NOW}
${LIVE_MEMBERS(2)}
return {redis.call('GET', KEYS[3]) or '0', members}
`;

/**
 * Records that this replica still watches a topic of a parent (see {@link CLAIM_UNDER_PARENT}). KEYS:
 * members, members-gen. ARGV: topic, lease TTL ms, state TTL ms. Returns 1.
 */
export const MEMBER_HEARTBEAT = `
${NOW}
${HEARTBEAT(1, 2, { topic: 1, ttl: 2, stateTtl: 3 })}
return 1
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
 * A fenced publish: only the current holder (token and fence both current, and of the parent's lease
 * when the lease was taken under one) may publish, and only a version above the stored one. KEYS: lease,
 * fence, state, and the parent's lease when there is one. ARGV: token, fence, version, message JSON,
 * keep ('1': store as the last state), state TTL ms, channel.
 * Returns 1 published, 0 not the holder (or a stale fence), -1 a newer version is stored.
 */
export const WRITE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if KEYS[4] and redis.call('GET', KEYS[4]) ~= ARGV[1] then return 0 end
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
