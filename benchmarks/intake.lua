-- wrk script of benchmarks/intake.py: replays pre-signed raw HTTP requests from a file, each once.
-- File format: for each request, its length as 10 decimal digits, then the raw request bytes.
-- args: <file> <threads> <seconds> [cycle]. Thread i takes every threads-th request from the i-th, so no
-- delivery id is sent twice. With "cycle" it starts over at the end (the bare endpoint stores nothing) and
-- runs for wrk's -d; without, a thread that has sent its share, or has run <seconds>, lets its connections idle
-- until every delivery it sent is answered, then stops and says so on stderr (wrk itself would sleep out its -d,
-- the ~60 s backstop, before printing: the caller interrupts it with SIGINT, as Ctrl-C does). Throughput is counted from the thread's first request to its last 202 (a monotonic clock via FFI).

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *ts);
]]
local clock = ffi.new("bench_timespec")
local function now_us()
   ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
   return tonumber(clock.tv_sec) * 1e6 + tonumber(clock.tv_nsec) / 1e3
end

local threads = {}
local counter = 0

function setup(thread)
   thread:set("index", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

function init(args)
   requests, sent, accepted, other, failed, answered, closing = {}, 0, 0, 0, 0, 0, false
   first_us, last_us = 0, 0
   local threads_total = tonumber(args[2])
   budget_us = tonumber(args[3]) * 1e6
   cycle = args[4] == "cycle"
   local f = assert(io.open(args[1], "rb"))
   local n = 0
   while true do
      local head = f:read(10)
      if not head then break end
      local body = f:read(tonumber(head))
      if n % threads_total == index then
         table.insert(requests, body)
      end
      n = n + 1
   end
   f:close()
   health = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
end

local function finished()
   return sent >= #requests or (first_us > 0 and now_us() - first_us > budget_us)
end

function delay()
   -- a connection with nothing left to send idles (its next request would be a health check) instead of
   -- spinning, so the server's CPU in the measurement is the deliveries' alone
   if not cycle and (closing or finished()) then return 60000 end
   return 0
end

function request()
   if index == 0 and not verified then
      -- wrk calls request() once on thread 0 before the run, only to check it (script_verify_request):
      -- that request is never sent, so it must not use up a delivery
      verified = true
      return requests[1] or health
   end
   if first_us == 0 then first_us = now_us() end
   if closing then return health end
   if finished() then
      if not cycle then
         closing = true -- no more deliveries: wait for the answers of those in flight
         return health
      end
      sent = 0
   end
   sent = sent + 1
   return requests[sent]
end

function response(status, headers, body)
   if not (status == 200 and body and body:find('"alive"', 1, true)) then
      answered = answered + 1
      if status == 202 then
         accepted = accepted + 1
         last_us = now_us()
      elseif status >= 200 and status < 300 then
         other = other + 1
      else
         failed = failed + 1
         if failed <= 3 then io.write("non-2xx answer: ", status, " ", (body or ""):sub(1, 200), "\n") end
      end
   end
   -- stop as soon as the last answer is in: not only once request() has set `closing`, since wrk asks
   -- delay() first, and a connection whose share is done idles 60 s there before request() runs again; a
   -- health check's answer may be that last one too
   if not cycle and (closing or finished()) and answered >= sent and not stopped then
      stopped = true
      io.stderr:write("intake.lua: thread done\n") -- wrk's main thread sleeps out -d whatever its threads do:
      io.stderr:flush()                               -- intake_load.saturate SIGINTs it once every thread said so
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local a, o, f, first, last, lost = 0, 0, 0, nil, 0, 0
   for _, thread in ipairs(threads) do
      if not thread:get("cycle") then lost = lost + thread:get("sent") - thread:get("answered") end
      a = a + thread:get("accepted")
      o = o + thread:get("other")
      f = f + thread:get("failed")
      local began = thread:get("first_us")
      if began > 0 and (first == nil or began < first) then first = began end
      if thread:get("last_us") > last then last = thread:get("last_us") end
   end
   local seconds = summary.duration / 1e6
   if first ~= nil and last > first then seconds = (last - first) / 1e6 end
   io.write(string.format(
      "RESULT accepted=%d other=%d failed=%d unanswered=%d seconds=%.6f p50_ms=%.3f p99_ms=%.3f\n",
      a, o, f, lost,
      seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
