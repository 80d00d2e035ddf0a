package io.queen.metrics;

import io.queen.metrics.QueenCounter.Family;
import io.queen.metrics.QueenCounter.Scope;
import io.queen.metrics.QueenCounter.Stored;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The counter declaration drives its four outputs consistently: the Micrometer meters, the
 * per-minute flush, the analytics reads and the Prometheus families (no database: the
 * statements are checked as the text they expand to).
 */
class QueenCounterTest {

    private static void assertUnique(String what, List<String> names) {
        assertEquals(names.size(), new HashSet<>(names).size(), what + " must be unique: " + names);
    }

    @Test
    void namesAreUnique() {
        List<String> fields = new ArrayList<>();
        List<String> totals = new ArrayList<>();
        List<String> aliases = new ArrayList<>();
        List<String> meters = new ArrayList<>();
        for (QueenCounter c : QueenCounter.values()) {
            fields.add(c.field());
            totals.add(c.totalField());
            aliases.add(c.alias());
            if (c.meter() != null) {
                meters.add(c.meter().name() + "{" + c.meter().tagKey() + "=" + c.meter().tagValue() + "}");
            }
        }
        assertUnique("analytics fields", fields);
        assertUnique("analytics totals", totals);
        assertUnique("analytics aliases", aliases);
        assertUnique("meters", meters);
        List<String> familyNames = new ArrayList<>();
        for (Scope scope : Scope.values()) {
            List<String> columns = new ArrayList<>();
            List<String> samples = new ArrayList<>();
            for (QueenCounter c : QueenCounter.stored(scope)) {
                Stored place = c.in(scope);
                columns.add(place.column());
                if (place.family() != null) {
                    samples.add(place.family().name() + "{" + place.labelValue() + "}");
                }
            }
            assertUnique(scope + " columns", columns);
            assertUnique(scope + " samples", samples);
            QueenCounter.families(scope).forEach(f -> familyNames.add(f.name()));
        }
        assertUnique("families", familyNames);
    }

    @Test
    void everyCounterIsKeptPerMinuteAndShown() {
        for (QueenCounter c : QueenCounter.values()) {
            assertTrue(c.in(Scope.WORKER) != null || c.in(Scope.QUEUE) != null, c + " has no per-minute column");
            boolean shown = false;
            for (Scope scope : Scope.values()) {
                shown |= c.in(scope) != null && c.in(scope).family() != null;
            }
            assertTrue(shown, c + " has no Prometheus family");
            assertFalse(c.field().isEmpty());
            assertEquals(c.alias(), c.alias().toLowerCase(), c.toString());
        }
    }

    /** The output names as they were before the declaration: renaming one is a visible change. */
    @Test
    void outputNamesAreTheEstablishedOnes() {
        Set<String> families = new TreeSet<>();
        for (Scope scope : Scope.values()) {
            QueenCounter.families(scope).forEach(f -> families.add(f.name()));
        }
        assertEquals(new TreeSet<>(List.of(
                "queen_cluster_push_requests_total", "queen_cluster_pop_requests_total",
                "queen_cluster_ack_requests_total", "queen_cluster_push_messages_total",
                "queen_cluster_pop_messages_total", "queen_cluster_ack_messages_total",
                "queen_cluster_transactions_total", "queen_cluster_ack_total", "queen_cluster_db_errors_total",
                "queen_cluster_dlq_total", "queen_queue_pop_messages_per_minute", "queen_queue_push_requests_per_minute",
                "queen_queue_push_messages_per_minute", "queen_queue_pop_empty_per_minute",
                "queen_queue_transactions_per_minute", "queen_queue_ack_per_minute",
                "queen_worker_jobs_done_per_minute", "queen_worker_requests_per_minute",
                "queen_worker_messages_per_minute", "queen_worker_ack_per_minute", "queen_worker_db_errors_per_minute",
                "queen_worker_dlq_per_minute")), families);
        Set<String> fields = new TreeSet<>();
        for (QueenCounter c : QueenCounter.stored(Scope.QUEUE)) {
            fields.add(c.field());
        }
        assertEquals(new TreeSet<>(List.of("pushRequests", "pushMessages", "popMessages", "popEmpty", "ackRequests",
                "ackSuccess", "ackFailed", "transactions")), fields);
        Set<String> totals = new TreeSet<>();
        for (QueenCounter c : QueenCounter.stored(Scope.WORKER)) {
            fields.add(c.field());
            totals.add(c.totalField());
        }
        assertTrue(fields.containsAll(List.of("ackMessages", "popRequests", "jobsDone", "dbErrors", "dlqCount")),
                fields.toString());
        assertTrue(totals.containsAll(List.of("totalPushMessages", "totalDlq", "totalJobsDone", "totalDbErrors")),
                totals.toString());
    }

    @Test
    void theFlushWritesEveryCounterColumn() {
        String flush = CounterSql.query("worker_metrics_flush");
        assertFalse(flush.contains("/*@"), flush);
        for (QueenCounter c : QueenCounter.stored(Scope.WORKER)) {
            String col = c.in(Scope.WORKER).column();
            for (String part : List.of(col + " bigint", "w." + col + ",",
                    col + " = wm." + col + " + EXCLUDED." + col)) {
                assertTrue(flush.contains(part), c + ": missing '" + part + "' in\n" + flush);
            }
        }
        for (QueenCounter c : QueenCounter.stored(Scope.QUEUE)) {
            String col = c.in(Scope.QUEUE).column();
            for (String part : List.of(col + " bigint", "q." + col + ",", col + " = l." + col + " + EXCLUDED." + col)) {
                assertTrue(flush.contains(part), c + ": missing '" + part + "' in\n" + flush);
            }
        }
    }

    @Test
    void theAnalyticsReadSumsEveryCounter() {
        for (Scope scope : List.of(Scope.WORKER, Scope.QUEUE)) {
            String sql = CounterSql.query(scope == Scope.WORKER ? "analytics_worker_metrics" : "analytics_queue_ops");
            assertFalse(sql.contains("/*@"), sql);
            for (QueenCounter c : QueenCounter.stored(scope)) {
                String sum = "sum(b." + c.in(scope).column() + ") AS " + c.alias();
                assertTrue(sql.contains(sum), scope + ": missing '" + sum + "' in\n" + sql);
            }
        }
    }

    @Test
    void prometheusHasAFamilyAndASampleForEveryStoredCounter() {
        String sql = CounterSql.query("prometheus_cluster");
        assertFalse(sql.contains("/*@"), sql);
        PrometheusText text = PrometheusFamilies.declare();
        for (Scope scope : Scope.values()) {
            String row = scope == Scope.CLUSTER ? "s." : scope == Scope.WORKER ? "w." : "q.";
            for (QueenCounter c : QueenCounter.stored(scope)) {
                Stored place = c.in(scope);
                if (place.family() == null) {
                    continue;
                }
                Family f = place.family();
                String names = f.label() == null ? "ARRAY[]::text[]" : "ARRAY['" + f.label() + "']";
                String values = f.label() == null ? "ARRAY[]::text[]" : "ARRAY['" + place.labelValue() + "']";
                String sample = "('" + f.name() + "', " + names + ", " + values + ", " + row + place.column()
                        + "::double precision)";
                assertTrue(sql.contains(sample), c + ": missing " + sample + " in\n" + sql);
                text.sample(f.name(), f.label() == null ? new String[0] : new String[]{f.label()},
                        f.label() == null ? new String[0] : new String[]{place.labelValue()}, 1);
            }
        }
        StringBuilder out = new StringBuilder();
        text.writeTo(out);
        for (Scope scope : Scope.values()) {
            for (Family f : QueenCounter.families(scope)) {
                assertTrue(out.toString().contains("# HELP " + f.name() + " " + f.help() + "\n# TYPE " + f.name() + " "
                        + scope.prometheusType + "\n"), f.name() + " in\n" + out);
            }
        }
    }

    @Test
    void everyMeterIsRegisteredUnderItsName() {
        QueenMetrics metrics = new QueenMetrics(new Replica("h", 1, 1, "h:1"), 1);
        String scrape = metrics.scrape();
        for (QueenCounter c : QueenCounter.values()) {
            if (c.meter() != null) {
                String series = c.meter().name().replace('.', '_') + "_total"
                        + (c.meter().tagKey() == null ? "" : "{" + c.meter().tagKey() + "=\"" + c.meter().tagValue()
                        + "\"}");
                assertTrue(scrape.contains("\n" + series + " 0.0\n"), series + " in\n" + scrape);
                assertEquals(0.0, metrics.count(c));
            } else {
                assertThrows(IllegalArgumentException.class, () -> metrics.count(c));
            }
        }
    }

    @Test
    void oneCallPerOutcomeCountsTheMeterAndTheMinute() {
        QueenMetrics metrics = new QueenMetrics(new Replica("h", 1, 1, "h:1"), 1);
        WorkerMetrics worker = new WorkerMetrics(metrics, 0);
        worker.poppedEmpty("q");
        worker.poppedEmpty("q");
        worker.databaseCall(true);
        assertEquals(2.0, metrics.count(QueenCounter.POP_EMPTY));
        assertEquals(2.0, metrics.count(QueenCounter.POP_REQUESTS));
        JsonObject flush = new JsonObject(worker.take(0).toJson(new Replica("h", 1, 1, "h:1"), 0, 0));
        JsonObject row = flush.getJsonObject("worker");
        assertEquals(2, row.getLong("pop_request_count"));
        assertEquals(1, row.getLong("jobs_done"));
        assertEquals(1, row.getLong("db_error_count"));
        JsonArray queues = flush.getJsonArray("queues");
        assertEquals(1, queues.size());
        assertEquals(2, queues.getJsonObject(0).getLong("pop_empty_count"));
        for (QueenCounter c : QueenCounter.stored(Scope.WORKER)) {
            assertTrue(row.containsKey(c.in(Scope.WORKER).column()), c.toString());
        }
        for (QueenCounter c : QueenCounter.stored(Scope.QUEUE)) {
            assertTrue(queues.getJsonObject(0).containsKey(c.in(Scope.QUEUE).column()), c.toString());
        }
    }

    @Test
    void theStartupCheckNamesMissingColumns() {
        Set<String> present = new HashSet<>();
        for (Scope scope : Scope.values()) {
            for (QueenCounter c : QueenCounter.stored(scope)) {
                present.add(scope.table + "." + c.in(scope).column());
            }
        }
        assertEquals(List.of(), CounterSql.missingColumns(present));
        present.remove("queue_lag_metrics.pop_empty_count");
        assertEquals(List.of("queue_lag_metrics.pop_empty_count"), CounterSql.missingColumns(present));
    }

    @Test
    void malformedMarkersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> CounterSql.expand("SELECT /*@each worker: {nope}*/"));
        assertThrows(IllegalArgumentException.class, () -> CounterSql.expand("SELECT /*@each worker: {family}*/"));
        assertThrows(IllegalArgumentException.class, () -> CounterSql.expand("SELECT /*@each nowhere: x*/"));
        assertThrows(IllegalArgumentException.class, () -> CounterSql.expand("SELECT /*@each worker {column} */"));
        List<String> shown = new ArrayList<>();
        for (QueenCounter c : QueenCounter.stored(Scope.QUEUE)) {
            if (c.in(Scope.QUEUE).family() != null) {
                shown.add(c.in(Scope.QUEUE).column() + " AS " + c.alias());
            }
        }
        assertEquals("x " + String.join(", ", shown) + " y",
                CounterSql.expand("x /*@each queue family: {column} AS {alias}*/ y"));
    }
}
