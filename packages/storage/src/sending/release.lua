-- A handed-off message leaves the hand-off set without taking a slot (it failed a rule, or waits for
-- its recipient or a retry): the slot it held is free again. Returns the messages still in the outbox,
-- so the caller re-arms the number when some wait.
-- KEYS[1] handoff zset, KEYS[2] outbox list; ARGV[1] message id
redis.call('ZREM', KEYS[1], ARGV[1])
return redis.call('LLEN', KEYS[2])
