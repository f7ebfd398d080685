-- Sliding-window log of a number's traffic: at most ARGV[1] entries in any window of ARGV[2]
-- microseconds, on Redis's own clock so every process agrees.
-- KEYS[1] traffic zset, KEYS[2] pause key (set while the number backs off after 130429)
-- ARGV[1] limit, ARGV[2] window in microseconds, ARGV[3] 'take' | 'record', ARGV[4] unique id
-- Returns {allowed (1/0), wait in microseconds, entries in the window, Redis time in microseconds}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local mode = ARGV[3]

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])

if mode == 'take' then
  local pause = redis.call('PTTL', KEYS[2])
  if pause > 0 then
    return {0, pause * 1000, count, now}
  end
  if count >= limit then
    -- the window frees a slot when enough of the oldest entries have aged out
    local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
    return {0, tonumber(oldest[2]) + window - now + 1, count, now}
  end
end

-- 'record' always counts: an inbound message has already happened, it only uses up budget
redis.call('ZADD', KEYS[1], now, now .. ':' .. ARGV[4])
redis.call('PEXPIRE', KEYS[1], math.floor(window / 1000) + 1000)
return {1, 0, count + 1, now}
