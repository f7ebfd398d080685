-- Puts a number in the dispatchers' ready set (and in the set the sweeper walks).
-- 'now': due at once, or earlier than it was (LT), as when its empty outbox gets a message.
-- 'missing': due at once only if absent, never moving a number that is paced or backing off.
-- A number that became due is announced on the wake channel, so sleeping dispatchers act at once.
-- KEYS[1] ready zset, KEYS[2] numbers set; ARGV[1] number id, ARGV[2] 'now' | 'missing', ARGV[3] wake channel
-- Returns 1 if the number's score changed, else 0
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SADD', KEYS[2], ARGV[1])
local changed
if ARGV[2] == 'now' then
  changed = redis.call('ZADD', KEYS[1], 'LT', 'CH', now, ARGV[1])
else
  changed = redis.call('ZADD', KEYS[1], 'NX', 'CH', now, ARGV[1])
end
if changed == 1 then redis.call('PUBLISH', ARGV[3], ARGV[1]) end
return changed
