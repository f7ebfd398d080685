-- A history chunk arrived for a number. Chunks come in any order and may come again, so this
-- counts each (phase, chunk_order) once, only ever raises progress, and records completion once.
-- KEYS[1] the number's sync hash, KEYS[2] the set of chunks seen
-- ARGV[1] chunk id "phase:order", ARGV[2] phase, ARGV[3] progress, ARGV[4] messages in it, ARGV[5] now (ms)
-- Returns {1 if the chunk is new else 0, progress after, 1 if this chunk completed the sync}
local new = redis.call('SADD', KEYS[2], ARGV[1])
if new == 1 then
  redis.call('HINCRBY', KEYS[1], 'history_chunks', 1)
  redis.call('HINCRBY', KEYS[1], 'history_messages', tonumber(ARGV[4]))
end
redis.call('HSETNX', KEYS[1], 'history_started_at', ARGV[5])
redis.call('HSET', KEYS[1], 'history_last_at', ARGV[5])
local progress = tonumber(ARGV[3])
local current = tonumber(redis.call('HGET', KEYS[1], 'history_progress') or '-1')
if progress > current then
  redis.call('HSET', KEYS[1], 'history_progress', progress, 'history_phase', ARGV[2])
else
  progress = current
end
local completed = 0
if progress >= 100 then
  if redis.call('HSETNX', KEYS[1], 'history_finished_at', ARGV[5]) == 1 then completed = 1 end
  redis.call('HSET', KEYS[1], 'history_state', 'completed')
elseif redis.call('HGET', KEYS[1], 'history_state') ~= 'completed' then
  redis.call('HSET', KEYS[1], 'history_state', 'receiving')
end
return {new, progress, completed}
