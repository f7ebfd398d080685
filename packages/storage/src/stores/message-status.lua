-- Moves one of our messages to a new delivery state, only forward: queued < sending < accepted
-- < sent < delivered < read < played, and failed ends it. Status webhooks arrive out of order and
-- more than once; a late `delivered` after `read` changes nothing.
-- With ARGV[3] (an expected current state) it is a compare-and-set instead, which may move
-- back: the sender returns a message from `sending` to `queued` when Meta refused it outright.
-- KEYS[1] the message hash
-- ARGV[1] new state, ARGV[2] now (ms), ARGV[3] expected current state or '', then field/value pairs
-- Returns {1 if applied else 0, the state after}
local rank = {queued = 0, sending = 1, accepted = 2, sent = 3, delivered = 4, read = 5, played = 6, failed = 7}
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return {0, ''} end
local incoming = ARGV[1]
local apply
if ARGV[3] ~= '' then
  apply = current == ARGV[3]
else
  apply = current ~= 'failed' and (incoming == 'failed' or rank[incoming] > rank[current])
end
if not apply then return {0, current} end
redis.call('HSET', KEYS[1], 'status', incoming, 'updated_at', ARGV[2])
redis.call('HSETNX', KEYS[1], 'at_' .. incoming, ARGV[2])
for i = 4, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
return {1, incoming}
