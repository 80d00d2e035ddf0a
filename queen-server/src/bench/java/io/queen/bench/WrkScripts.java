package io.queen.bench;

/**
 * The Lua scripts wrk runs for the wrk mode. wrk loads a script once per thread
 * (init/request/response run there, each with its own globals) and once in its main thread
 * (setup/done); done() reads the threads' counters and prints {@code RESULT key=value} lines
 * for {@link Wrk} to parse.
 */
final class WrkScripts {
    private WrkScripts() {
    }

    /** Shared by every scenario: thread numbering, counters, a clock, done(). */
    private static final String COMMON = """
            -- written by io.queen.bench.WrkBench
            local threads = {}
            local next_id = 0
            function setup(thread)
              next_id = next_id + 1
              thread:set("id", next_id)
              table.insert(threads, thread)
            end

            -- wrk's Lua has no clock; LuaJIT's FFI reaches clock_gettime. The pop scenarios need it:
            -- when the queue runs dry before the window ends, their rate is over the time until
            -- the last message, not over the whole window.
            local has_ffi, ffi = pcall(require, "ffi")
            local clock = function() return -1 end
            if has_ffi then
              ffi.cdef[[
                typedef struct { long sec; long nsec; } queen_timespec;
                int clock_gettime(int clock_id, queen_timespec *tp);
              ]]
              local ts = ffi.new("queen_timespec")
              clock = function()
                ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
                return tonumber(ts.sec) * 1000000 + math.floor(tonumber(ts.nsec) / 1000)
              end
            end

            -- per-thread counters, summed over the threads by done():
            -- sent/answered: requests written / responses read (the difference was in flight when
            -- wrk stopped: the server may have committed those, but nobody read the answer)
            -- msgs: pushed items answered "queued" / popped messages / messages acked with success
            local counters = { "sent", "answered", "msgs", "notqueued", "popped", "acksent", "ackfail",
                               "empty", "dberr" }
            function start_counters()
              for _, name in ipairs(counters) do _G[name] = 0 end
              empties = 0
              started = clock()
              last = started
            end

            function count(body, needle)
              local n, at = 0, 1
              while true do
                local s, e = string.find(body, needle, at, true)
                if not s then return n end
                n = n + 1
                at = e + 1
              end
            end

            json = { ["Content-Type"] = "application/json" }

            function on_messages()
              empties = 0
              last = clock()
            end

            -- A pop that finds every remaining partition leased by other connections answers
            -- empty too, so one empty answer is not the end of the queue; this many in a row is.
            -- Stopping then keeps a dry queue's idle pops out of the CPU figures.
            function on_empty()
              empty = empty + 1
              empties = empties + 1
              if empties >= 200 and (pending == nil or #pending == 0) then wrk.thread:stop() end
            end

            function done(summary, latency, requests)
              local totals, first, final = {}, nil, nil
              for _, name in ipairs(counters) do totals[name] = 0 end
              for _, t in ipairs(threads) do
                for _, name in ipairs(counters) do totals[name] = totals[name] + (t:get(name) or 0) end
                local s, l = t:get("started"), t:get("last")
                if s and (first == nil or s < first) then first = s end
                if l and (final == nil or l > final) then final = l end
              end
              local e = summary.errors
              local active = -1
              if first and first >= 0 then active = final - first end
              io.write(string.format("RESULT requests=%d duration_us=%d active_us=%d p50_us=%d p99_us=%d\\n",
                summary.requests, summary.duration, active, latency:percentile(50), latency:percentile(99)))
              io.write(string.format("RESULT non2xx=%d connect=%d read=%d write=%d timeout=%d\\n",
                e.status, e.connect, e.read, e.write, e.timeout))
              for _, name in ipairs(counters) do io.write(string.format("RESULT %s=%d\\n", name, totals[name])) end
            end
            """;

    /**
     * Pushes of {@code batch} items, all into one partition drawn at random from
     * {@code partitions}; args: queue, batch, partitions. Transaction ids are unique per run
     * (thread number and a per-thread counter), so none is refused as a duplicate.
     */
    static final String PUSH = COMMON + """
            function init(args)
              queue, batch, partitions = args[1], tonumber(args[2]), tonumber(args[3])
              math.randomseed(id * 7919 + os.time()) -- else every thread draws the same partitions
              n = 0
              start_counters()
            end

            function request()
              sent = sent + 1
              local p = math.random(0, partitions - 1)
              local items = {}
              for i = 1, batch do
                n = n + 1
                items[i] = '{"queue":"' .. queue .. '","partition":"p' .. p .. '","transactionId":"w' .. id .. '-' .. n
                  .. '","payload":{"message":"Hello World","n":' .. n .. '}}'
              end
              return wrk.format("POST", "/api/v1/push", json, '{"items":[' .. table.concat(items, ",") .. ']}')
            end

            function response(status, headers, body)
              answered = answered + 1
              local queued = 0
              if status == 201 then queued = count(body, '"status":"queued"') end
              msgs = msgs + queued
              notqueued = notqueued + batch - queued
              if queued > 0 then on_messages() end
            end
            """;

    /** Pops of up to 100 with server-side ack; args: queue. Messages counted in the answers. */
    static final String POP_AUTO_ACK = COMMON + """
            function init(args)
              pop = wrk.format("GET", "/api/v1/pop/queue/" .. args[1] .. "?batch=100&autoAck=true&wait=false")
              start_counters()
            end

            function request()
              sent = sent + 1
              return pop
            end

            function response(status, headers, body)
              answered = answered + 1
              if status == 200 then
                local got = count(body, '"transactionId"')
                if got == 0 then dberr = dberr + 1 return end -- {"success":false,"error":...}
                msgs = msgs + got
                popped = popped + got
                on_messages()
              elseif status == 204 then
                on_empty()
              end
            end
            """;

    /**
     * Pops of up to 100 under a lease, each followed by one ack/batch of what it returned;
     * args: queue. The thread's next request (usually on the same connection) sends a pending
     * ack before popping again. Messages counted = acknowledged with success.
     */
    static final String POP_ACK = COMMON + """
            local message = '"transactionId":"([^"]*)".-"partitionId":"([^"]*)".-"leaseId":"([^"]*)"'

            function init(args)
              pop = wrk.format("GET", "/api/v1/pop/queue/" .. args[1] .. "?batch=100&wait=false")
              pending = {}
              start_counters()
            end

            function request()
              sent = sent + 1
              local ack = table.remove(pending)
              if ack then
                acksent = acksent + ack.n
                return wrk.format("POST", "/api/v1/ack/batch", json, ack.body)
              end
              return pop
            end

            function response(status, headers, body)
              answered = answered + 1
              if status == 204 then on_empty() end
              if status ~= 200 then return end
              if string.sub(body, 1, 1) == "[" then -- an ack/batch answer: one result per message
                local ok = count(body, '"success":true')
                msgs = msgs + ok
                ackfail = ackfail + count(body, '"success":false')
                if ok > 0 then on_messages() end
                return
              end
              local acks = {}
              for tx, partition, lease in string.gmatch(body, message) do
                acks[#acks + 1] = '{"transactionId":"' .. tx .. '","partitionId":"' .. partition
                  .. '","leaseId":"' .. lease .. '","status":"completed"}'
              end
              if #acks == 0 then dberr = dberr + 1 return end -- {"success":false,"error":...}
              popped = popped + #acks
              empties = 0
              pending[#pending + 1] = { n = #acks, body = '{"acknowledgments":[' .. table.concat(acks, ",") .. ']}' }
            end
            """;
}
