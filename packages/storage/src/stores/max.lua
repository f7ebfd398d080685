-- HSET a numeric field only if the new value is larger: out-of-order events (history chunks,
-- service-window messages) must never move a value backwards.
-- KEYS[1] hash, ARGV pairs: field, value, field, value…; returns the number of fields raised
local raised = 0
for i = 1, #ARGV, 2 do
  local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]))
  local value = tonumber(ARGV[i + 1])
  if current == nil or value > current then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    raised = raised + 1
  end
end
return raised
