-- A send's slot in its number's sliding window: the same log as the limiter (traffic.lua: scores in
-- µs on Redis's clock, inbound messages recorded there too, the pause key after a 130429), but the
-- entry is named by the caller, so that it can be moved when Meta answers. Meta counts a message
-- when it arrives, which is after we take the slot and before its answer reaches us: an entry
-- re-stamped at the answer frees its slot a full window after the latest moment the message can
-- have arrived, so no network delay can put a 21st message into any second at Meta.
-- KEYS[1] traffic zset, KEYS[2] pause key, KEYS[3] the number's hand-off set
-- ARGV[1] limit, ARGV[2] window µs, ARGV[3] 'take' | 'restamp' | 'give_back', ARGV[4] entry name,
-- ARGV[5] message id, ARGV[6] for take: the horizon µs (a slot that frees within it is granted now,
-- dated when it frees, and the caller sends only from then on, so a send handed off a little early
-- does not go back to the queue for a few milliseconds); for restamp: how long ago the answer came
-- Returns {allowed (1/0), wait µs, entries in the window, Redis time µs, 1 if refused by the pause}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local ttl = math.floor(window / 1000) + 1000

if ARGV[3] == 'restamp' then
  -- moves the entry to when the answer came (ARGV[6] µs ago by the caller's clock; now at the
  -- latest), or puts it back if it had aged out during a long call
  redis.call('ZADD', KEYS[1], now - math.max(0, tonumber(ARGV[6])), ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ttl)
  return {1, 0, redis.call('ZCARD', KEYS[1]), now, 0}
end

if ARGV[3] == 'give_back' then
  -- a slot taken for a send that did not happen (a rule said no at the last moment)
  redis.call('ZREM', KEYS[1], ARGV[4])
  return {1, 0, redis.call('ZCARD', KEYS[1]), now, 0}
end

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then
  return {0, pause * 1000, count, now, 1}
end
-- The new entry goes after every entry there is (slots granted ahead are dated in the future), at
-- the first moment fewer than `limit` entries fall in the window ending there: then every window
-- that holds it holds fewer than `limit` others.
local at = now
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] and tonumber(last[2]) > at then at = tonumber(last[2]) end
if count >= limit then
  -- the slot that frees next: when the entry at (count - limit) ages out
  local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
  local frees = tonumber(oldest[2]) + window + 1
  if frees > at then at = frees end
end
if at - now > tonumber(ARGV[6]) then
  return {0, at - now, count, now, 0}
end
redis.call('ZADD', KEYS[1], at, ARGV[4])
redis.call('PEXPIRE', KEYS[1], ttl)
-- the message now holds a slot in the window instead of one in the hand-off set
redis.call('ZREM', KEYS[3], ARGV[5])
-- allowed; the wait is how long to hold the request back (0 unless granted ahead)
return {1, at - now, count + 1, now, 0}
