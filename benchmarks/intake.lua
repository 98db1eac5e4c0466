-- wrk script of benchmarks/intake.py: replays pre-signed raw HTTP requests from a file, in order, once each.
-- File format: for each request, its length as 10 decimal digits, then the raw request bytes.
-- args: <file> <threads> [cycle]   with "cycle", start over at the end (the bare endpoint stores nothing);
-- without it, a thread that has sent all of its requests stops (every durable delivery is unique).
-- Each thread takes every n-th request (n = thread count), so no delivery id is sent twice.

local threads = {}
local counter = 0

function setup(thread)
   thread:set("index", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

function init(args)
   requests, sent, accepted, other, failed = {}, 0, 0, 0, 0
   threads_total = tonumber(args[2])
   cycle = args[3] == "cycle"
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

function request()
   sent = sent + 1
   if sent > #requests then
      if cycle then
         sent = 1
      else
         wrk.thread:stop()
         return health
      end
   end
   return requests[sent]
end

function response(status, headers, body)
   if status == 202 then
      accepted = accepted + 1
   elseif status >= 200 and status < 300 then
      other = other + 1
   else
      failed = failed + 1
   end
end

function done(summary, latency, requests)
   local a, o, f = 0, 0, 0
   for _, thread in ipairs(threads) do
      a = a + thread:get("accepted")
      o = o + thread:get("other")
      f = f + thread:get("failed")
   end
   io.write(string.format(
      "RESULT accepted=%d other=%d failed=%d errors=%d seconds=%.6f p50_ms=%.3f p99_ms=%.3f\n",
      a, o, f,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
