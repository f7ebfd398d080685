-- A dispatcher claims the numbers that are due: each gets the caller's lease as its score, so no
-- other dispatcher takes it meanwhile, and a dispatcher that dies only delays it until the lease ends.
-- KEYS[1] ready zset; ARGV[1] most numbers to claim, ARGV[2] lease in ms
-- Returns {lease (ms, Redis clock), ms until the next number is due or -1 if none, number ids...}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = now + tonumber(ARGV[2])
local due = redis.call('ZRANGE', KEYS[1], '-inf', now, 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[1]))
for _, id in ipairs(due) do
  redis.call('ZADD', KEYS[1], 'XX', lease, id)
end
local nextWait = -1
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if first[2] then nextWait = math.max(0, tonumber(first[2]) - now) end
local out = {lease, nextWait}
for _, id in ipairs(due) do out[#out + 1] = id end
return out
