-- After handing off, a dispatcher gives each claimed number its next due time, or removes it when
-- nothing is left. Only numbers still holding the caller's lease move: an enqueue that armed one
-- in the meantime (its score changed) wins, so no message is left without a dispatcher.
-- KEYS[1] ready zset; ARGV[1] the caller's lease, then pairs: number id, due (ms, Redis clock) or -1
-- Returns the number of numbers moved
local lease = tonumber(ARGV[1])
local moved = 0
for i = 2, #ARGV, 2 do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) == lease then
    local at = tonumber(ARGV[i + 1])
    if at < 0 then
      redis.call('ZREM', KEYS[1], ARGV[i])
    else
      redis.call('ZADD', KEYS[1], 'XX', at, ARGV[i])
    end
    moved = moved + 1
  end
end
return moved
