-- wrk script for the serving load run (ServingLoadRun writes it to a temp file and passes the arguments):
--   wrk -t1 -c64 -d15s -s offers.lua http://127.0.0.1:PORT -- <skus> <mode> [etag]
-- mode "keys": GET a random (sku, region, tier) among the first <skus> products, currency USD.
-- mode "etag": GET SKU-000000/us/USD/standard with If-None-Match: <etag> (every answer a 304).
-- mode "fixed": GET / (the fixed-body floor server ignores the path).
-- mode "one": GET SKU-000000/us/USD/standard, always the same key (ClientLoadRun, beside the client asking it).
-- mode "batch-json" / "batch-fb": POST /v1/views/offers/batch of 100 random keys, Accept JSON / FlatBuffers
--   (BatchLoadRun); 64 requests are drawn and formatted in init and sent in turn, so wrk's own cost per request
--   stays small.
-- mode "paced": as "keys", each connection pausing <etag> milliseconds before each request (wrk's delay()), so
--   the rate is bounded by connections x 1000 / pause (RebuildServingRun: the node's latency, not a queue's).
-- mode "pipe-keys" / "pipe-fixed": 16 requests per write (pipelined), keys as "keys" / GET / for the floor server.
local skus, mode, etag
local DEPTH = 16
local bodies, nextBody = {}, 0
local regions = {"us", "eu", "uk", "jp"}
local tiers = {"standard", "gold"}

function init(args)
  skus = tonumber(args[1])
  mode = args[2]
  etag = args[3]
  math.randomseed(os.time())
  if mode == "paced" then
    local pause = tonumber(args[3])
    -- defined only in this mode: wrk schedules every request through a timer once the script has a delay()
    delay = function() return pause end
  end
  if mode == "batch-json" or mode == "batch-fb" then
    for b = 1, 64 do
      local lines = {}
      for i = 1, 100 do
        lines[i] = string.format("sku=SKU-%06d&region=%s&currency=USD&tier=%s",
          math.random(0, skus - 1), regions[math.random(1, 4)], tiers[math.random(1, 2)])
      end
      local accept = mode == "batch-fb" and "application/x-flatbuffers" or "application/json"
      -- formatted once here: per request wrk only hands the string over (no 5 KB string built in Lua per request,
      -- on the cores the server shares)
      bodies[b] = wrk.format("POST", "/v1/views/offers/batch", {["Accept"] = accept}, table.concat(lines, "\n"))
    end
  end
end

local function keyRequest()
  local path = string.format("/v1/views/offers?sku=SKU-%06d&region=%s&currency=USD&tier=%s",
    math.random(0, skus - 1), regions[math.random(1, 4)], tiers[math.random(1, 2)])
  return wrk.format("GET", path)
end

function request()
  if mode == "pipe-keys" or mode == "pipe-fixed" then
    local reqs = {}
    for i = 1, DEPTH do
      reqs[i] = mode == "pipe-fixed" and wrk.format("GET", "/") or keyRequest()
    end
    return table.concat(reqs)
  elseif mode == "fixed" then
    return wrk.format("GET", "/")
  elseif mode == "one" then
    return wrk.format("GET", "/v1/views/offers?sku=SKU-000000&region=us&currency=USD&tier=standard",
      {["Accept"] = "application/x-flatbuffers"})
  elseif mode == "batch-json" or mode == "batch-fb" then
    nextBody = nextBody % 64 + 1
    return bodies[nextBody]
  elseif mode == "etag" then
    return wrk.format("GET", "/v1/views/offers?sku=SKU-000000&region=us&currency=USD&tier=standard",
      {["If-None-Match"] = etag})
  end
  return keyRequest()
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d duration_us=%d status_errors=%d socket_errors=%d p50_us=%d p99_us=%d p999_us=%d\n",
    summary.requests, summary.duration, summary.errors.status, errors,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))
end
