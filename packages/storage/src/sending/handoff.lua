-- Hands a number's next messages to the send queue: as many as its sliding window has free slots,
-- counting the messages already handed off that have not taken their slot yet. Reads the same
-- traffic log and pause key as the limiter (traffic.lua), on Redis's clock; takes nothing from it:
-- each send takes its slot right before its HTTP call.
-- KEYS[1] outbox list, KEYS[2] handoff zset, KEYS[3] traffic zset (µs), KEYS[4] pause key
-- ARGV[1] limit, ARGV[2] window µs, ARGV[3] most messages to hand off, ARGV[4] stale after (ms),
-- ARGV[5] revisit after (ms) while handed-off messages remain, ARGV[6] look-ahead µs: slots that
-- free within it count as free (the sender takes them a little ahead, see slot.lua), so a message
-- is on its way when its slot frees instead of being handed off only then
-- Returns {next due (ms, Redis clock) or -1 when nothing is left, messages left in the outbox,
--          how many ids follow, ids handed off..., stale handed-off ids to verify...}
local t = redis.call('TIME')
local nowUs = tonumber(t[1]) * 1000000 + tonumber(t[2])
local nowMs = math.floor(nowUs / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
local staleMs = tonumber(ARGV[4])
local revisitMs = tonumber(ARGV[5])
local ahead = tonumber(ARGV[6])

-- handed off long ago and never sent: the caller checks that their jobs still exist
local stale = redis.call('ZRANGE', KEYS[2], '-inf', nowMs - staleMs, 'BYSCORE', 'LIMIT', 0, 50)
for _, id in ipairs(stale) do
  redis.call('ZADD', KEYS[2], 'XX', nowMs, id)
end

local function answer(at, remaining, ids)
  local out = {at, remaining, #ids}
  for _, id in ipairs(ids) do out[#out + 1] = id end
  for _, id in ipairs(stale) do out[#out + 1] = id end
  return out
end

local pending = redis.call('LLEN', KEYS[1])
local handed = redis.call('ZCARD', KEYS[2])
if pending == 0 then
  if handed > 0 then return answer(nowMs + revisitMs, 0, {}) end
  return answer(-1, 0, {})
end

local pause = redis.call('PTTL', KEYS[4])
if pause > 0 then return answer(nowMs + pause, pending, {}) end

local from = nowUs + ahead - window
local count = redis.call('ZCOUNT', KEYS[3], '(' .. from, '+inf')
local free = limit - count - handed
local n = math.min(math.max(free, 0), max, pending)
local ids = {}
if n > 0 then
  ids = redis.call('LPOP', KEYS[1], n)
  for _, id in ipairs(ids) do
    redis.call('ZADD', KEYS[2], nowMs, id)
  end
end
local remaining = pending - n
if remaining == 0 then return answer(nowMs + revisitMs, 0, ids) end
if free - n > 0 then return answer(nowMs, remaining, ids) end

-- Full. The next slot frees when the entry at position (used - limit) of the window ages out;
-- messages handed off but not sent yet will take their slots about now.
local used = count + handed + n
local k = used - limit
local wait
if k < count then
  local entry = redis.call('ZRANGE', KEYS[3], '(' .. from, '+inf', 'BYSCORE', 'LIMIT', k, 1, 'WITHSCORES')
  wait = math.ceil((tonumber(entry[2]) + window - ahead - nowUs) / 1000)
else
  wait = math.ceil((window - ahead) / 1000)
end
return answer(nowMs + math.max(wait, 1), remaining, ids)
