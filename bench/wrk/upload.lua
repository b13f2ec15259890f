-- POST the bytes of the file BENCH_BODY_FILE (with Content-Type BENCH_CONTENT_TYPE) to a new
-- path each time: BENCH_PATH_PREFIX .. <thread>-<n> .. BENCH_PATH_SUFFIX. Scenario (u): a
-- 1 MB attachment to a new record of kinto-edge, or a bare R2 put to a new key of the floor.
dofile("report.lua")

local file = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
local payload = file:read("*a")
file:close()
local prefix = os.getenv("BENCH_PATH_PREFIX")
local suffix = os.getenv("BENCH_PATH_SUFFIX") or ""
local tag = tostring(math.random(1, 2147483647))
local counter = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE")

function request()
  counter = counter + 1
  return wrk.format(nil, prefix .. tag .. "-" .. counter .. suffix, nil, payload)
end
