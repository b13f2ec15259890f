-- Shared by every scenario script (loaded with dofile; wrk runs with cwd = bench/wrk).
--
-- Per thread: a histogram of HTTP statuses, the first non-2xx response (status + body head),
-- and, when BENCH_SUB_STATUSES=1 (the /v1/batch scenario), a histogram of the batch
-- sub-responses' statuses (a batch answers 200 even when its sub-requests fail).
-- done() prints one line `BENCH_JSON {...}` that bench/run.mjs parses.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

statuses = {}
sub_statuses = {}
sample = nil
local parse_sub = os.getenv("BENCH_SUB_STATUSES") == "1"

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if (status < 200 or status > 299) and sample == nil then
    sample = tostring(status) .. " " .. string.sub(body or "", 1, 300)
  end
  if parse_sub and status == 200 and body then
    for code in string.gmatch(body, '"status"%s*:%s*(%d+)') do
      local n = tonumber(code)
      sub_statuses[n] = (sub_statuses[n] or 0) + 1
      if (n < 200 or n > 299) and sample == nil then
        sample = "sub-request " .. code .. " in: " .. string.sub(body, 1, 300)
      end
    end
  end
end

local function escape(s)
  s = string.gsub(s, '[%c"\\]', function(c)
    if c == '"' then return '\\"' end
    if c == "\\" then return "\\\\" end
    return string.format("\\u%04x", string.byte(c))
  end)
  -- Keep the line plain ASCII: bytes >= 0x80 become "?" (the sample is for humans).
  return (string.gsub(s, "[\128-\255]", "?"))
end

local function histogram(name)
  local merged = {}
  for _, thread in ipairs(threads) do
    local h = thread:get(name)
    if h then
      for code, count in pairs(h) do merged[code] = (merged[code] or 0) + count end
    end
  end
  local parts = {}
  for code, count in pairs(merged) do
    table.insert(parts, string.format('"%d":%d', code, count))
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  local first_sample = nil
  for _, thread in ipairs(threads) do
    first_sample = first_sample or thread:get("sample")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status_errors":%d,"timeout":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f,"statuses":%s,"sub_statuses":%s,"sample":%s}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    histogram("statuses"), histogram("sub_statuses"),
    first_sample and ('"' .. escape(first_sample) .. '"') or "null"))
end
