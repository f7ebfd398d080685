-- Slots in a number's sliding window for sends: the same log as the limiter (traffic.lua: scores in
-- µs on Redis's clock, inbound messages recorded there too, the pause key after a 130429), but
-- each entry is named by the caller, so that it can be moved when Meta answers. Meta counts a
-- message when it arrives, which is after we take the slot and before its answer reaches us: an
-- entry re-stamped at the answer frees its slot a full window after the latest moment the message
-- can have arrived, so no network delay can put a 21st message into any second at Meta.
-- KEYS[1] traffic zset, KEYS[2] pause key, KEYS[3] the number's hand-off set
-- ARGV[1] mode: 'take' | 'restamp' | 'give_back', ARGV[2] limit, ARGV[3] window µs, ARGV[4] horizon µs,
-- then per item:
--   take: entry name, message id: a slot that frees within the horizon is granted now, dated when
--         it frees, and the caller sends only from then on (a send handed off a little early does
--         not go back to the queue for a few milliseconds)
--   restamp: entry name, µs since the answer came by the caller's clock (the entry moves to then;
--            it is put back if it had aged out during a long call)
--   give_back: entry name, (unused): a slot taken for a send that did not happen is freed
-- Returns {Redis time µs, entries in the window, 1 if the number pauses, then per item: allowed (1/0),
--          µs until the slot may be used (allowed) or frees (refused)}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local mode = ARGV[1]
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local horizon = tonumber(ARGV[4])
local ttl = math.floor(window / 1000) + 1000
local out = {now, 0, 0}

if mode == 'restamp' then
  for i = 5, #ARGV, 2 do
    redis.call('ZADD', KEYS[1], now - math.max(0, tonumber(ARGV[i + 1])), ARGV[i])
    out[#out + 1] = 1
    out[#out + 1] = 0
  end
  redis.call('PEXPIRE', KEYS[1], ttl)
  out[2] = redis.call('ZCARD', KEYS[1])
  return out
end

if mode == 'give_back' then
  for i = 5, #ARGV, 2 do
    redis.call('ZREM', KEYS[1], ARGV[i])
    out[#out + 1] = 1
    out[#out + 1] = 0
  end
  out[2] = redis.call('ZCARD', KEYS[1])
  return out
end

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local pause = redis.call('PTTL', KEYS[2])
if pause > 0 then
  out[2] = redis.call('ZCARD', KEYS[1])
  out[3] = 1
  for i = 5, #ARGV, 2 do
    out[#out + 1] = 0
    out[#out + 1] = pause * 1000
  end
  return out
end

local taken = false
for i = 5, #ARGV, 2 do
  -- The new entry goes after every entry there is (slots granted ahead are dated in the future),
  -- at the first moment fewer than `limit` entries fall in the window ending there: then every
  -- window that holds it holds fewer than `limit` others.
  local count = redis.call('ZCARD', KEYS[1])
  local at = now
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if last[2] and tonumber(last[2]) > at then at = tonumber(last[2]) end
  if count >= limit then
    local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
    local frees = tonumber(oldest[2]) + window + 1
    if frees > at then at = frees end
  end
  if at - now > horizon then
    out[#out + 1] = 0
    out[#out + 1] = at - now
  else
    redis.call('ZADD', KEYS[1], at, ARGV[i])
    -- the message now holds a slot in the window instead of one in the hand-off set
    redis.call('ZREM', KEYS[3], ARGV[i + 1])
    taken = true
    out[#out + 1] = 1
    out[#out + 1] = at - now
  end
end
if taken then redis.call('PEXPIRE', KEYS[1], ttl) end
out[2] = redis.call('ZCARD', KEYS[1])
return out
