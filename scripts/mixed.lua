-- mixed.lua: wrk script for scripts/load_test.sh (issue "Ship it").
--
-- Usage: wrk -t2 -c32 -d60s -s scripts/mixed.lua http://127.0.0.1:PORT -- EVENT_ID
--   EVENT_ID: a real event id (used by /events/<id> and /event/<id>); default below.
--
-- Each thread rotates through the PATHS below; every path is sent once without and once with
-- `Accept-Encoding: gzip, br` (so half of all requests ask for compression, evenly per path).
-- Every response's status is counted per thread; `done` prints one summary line per status
-- and a machine-readable RESULT line:
--   RESULT requests duration_us p50_us p99_us non2xx3xx connect read write timeout
-- (non2xx3xx counts statuses outside 200..399, i.e. stricter than wrk's own "status" errors,
-- which only count >= 400.)

local event_id = "2018-04-15-zte-denial-order"
local paths = {}
local counter = 0
statuses = {}  -- global: read by done() via thread:get()
local threads = {}

local function build(id)
  return {
    -- API
    "/events",
    "/events?actor=us-bis",
    "/events?q=H200",
    "/events.csv?side=china",
    "/events/" .. id,
    "/facets?side=us",
    -- pages
    "/",
    "/?side=china&lang=zh",
    "/event/" .. id,
    -- embed
    "/embed?category=tariff",
  }
end

function setup(thread)
  table.insert(threads, thread)
  thread:set("offset", (#threads - 1) * 7)  -- runs before the thread's init()
end

function init(args)
  if args[1] and #args[1] > 0 then event_id = args[1] end
  paths = build(event_id)
  -- start each thread at a different place so threads do not march in lock-step
  counter = offset or 0
end

function request()
  local n = #paths
  local i = counter % n
  local compressed = math.floor(counter / n) % 2 == 1
  counter = counter + 1
  local headers = {}
  if compressed then headers["Accept-Encoding"] = "gzip, br" end
  return wrk.format("GET", paths[i + 1], headers)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total, bad = {}, 0
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do
      total[code] = (total[code] or 0) + n
    end
  end
  local codes = {}
  for code, _ in pairs(total) do table.insert(codes, code) end
  table.sort(codes)
  for _, code in ipairs(codes) do
    io.write(string.format("STATUS %d %d\n", code, total[code]))
    if code < 200 or code > 399 then bad = bad + total[code] end
  end
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), bad, e.connect, e.read, e.write, e.timeout))
end
