package io.queen.http;

import io.queen.buffer.FileBufferClient;
import io.queen.maintenance.MaintenanceState;
import io.queen.metrics.ProcSelf;
import io.queen.metrics.PrometheusFamilies;
import io.queen.metrics.PrometheusText;
import io.queen.metrics.QueenCounter;
import io.queen.metrics.QueenMetrics;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/** GET /metrics (JSON summary, real numbers) and GET /metrics/prometheus (spec 3.1). */
final class MetricsRoutes {
    private final QueenMetrics metrics;
    private final int configuredConnections;
    private final java.util.function.IntSupplier openConnections;
    private final int workers;
    private final SqlClient db;
    private final FileBufferClient buffer;
    private final MaintenanceState maintenance;

    /**
     * @param openConnections connections this worker's pools hold open right now
     * @param db              the worker's background pool, for the cluster families
     */
    MetricsRoutes(QueenMetrics metrics, int configuredConnections, java.util.function.IntSupplier openConnections,
                  int workers, SqlClient db, FileBufferClient buffer, MaintenanceState maintenance) {
        this.metrics = metrics;
        this.configuredConnections = configuredConnections;
        this.openConnections = openConnections;
        this.workers = workers;
        this.db = db;
        this.buffer = buffer;
        this.maintenance = maintenance;
    }

    /** What the blocking part of a scrape reads: Micrometer's text and /proc. */
    private record Blocking(String micrometer, ProcSelf proc) {
    }

    void mount(Router router) {
        router.get("/metrics/prometheus").handler(this::prometheus);
        router.get("/metrics").handler(this::summary);
    }

    /**
     * Micrometer's families, then the reference's (spec 3.1): live ones of this replica and
     * the cluster, queue and worker ones from one database statement. Without the database
     * (or the file buffer) the families that need it are left out, the rest is answered.
     */
    private void prometheus(RoutingContext ctx) {
        // scraping reads /proc and JMX: keep it off the event loop
        Future<Blocking> local = ctx.vertx().executeBlocking(() -> new Blocking(metrics.scrape(), ProcSelf.read()),
                false);
        Future<RowSet<Row>> cluster = PrometheusFamilies.readDatabase(db);
        Future<JsonObject> bufferStats = buffer.stats();
        Future.join(local, cluster, bufferStats).onComplete(all -> {
            if (local.failed()) {
                Responses.failure(ctx, local.cause());
                return;
            }
            PrometheusText text = PrometheusFamilies.declare();
            PrometheusFamilies.addProcess(text, local.result().proc(), metrics, configuredConnections, workers);
            PrometheusFamilies.addFileBuffer(text, bufferStats.succeeded() ? bufferStats.result() : null,
                    maintenance.pushPaused());
            if (cluster.succeeded()) {
                PrometheusFamilies.addDatabase(text, cluster.result());
            }
            StringBuilder out = new StringBuilder(local.result().micrometer());
            text.writeTo(out);
            ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(out.toString());
        });
    }

    private void summary(RoutingContext ctx) {
        double uptime = metrics.uptimeSeconds();
        double requests = metrics.count(QueenCounter.PUSH_REQUESTS) + metrics.count(QueenCounter.POP_REQUESTS)
                + metrics.count(QueenCounter.ACK_REQUESTS) + metrics.count(QueenCounter.TRANSACTIONS);
        double messages = metrics.count(QueenCounter.PUSH_MESSAGES) + metrics.count(QueenCounter.POP_MESSAGES);
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Responses.json(ctx, 200, new JsonOut().beginObject()
                .field("uptime", Math.round(uptime))
                .name("requests").beginObject()
                .field("total", Math.round(requests))
                .field("rate", uptime > 0 ? Math.round(requests / uptime) : 0).endObject()
                .name("messages").beginObject()
                .field("total", Math.round(messages))
                .field("rate", uptime > 0 ? Math.round(messages / uptime) : 0).endObject()
                .name("database").beginObject()
                .field("poolSize", configuredConnections)
                // per worker: the pool does not expose idle or waiting counts
                .field("openConnections", openConnections.getAsInt())
                .field("idleConnections", (Object) null)
                .field("waitingRequests", (Object) null).endObject()
                .name("memory").beginObject()
                .field("rss", QueenMetrics.residentBytes())
                .field("heapTotal", heap.getCommitted())
                .field("heapUsed", heap.getUsed())
                .field("external", 0)
                .field("arrayBuffers", 0).endObject()
                .name("cpu").beginObject()
                // process CPU time in microseconds, like the reference's user+system figures
                .field("user", os.getProcessCpuTime() / 1000)
                .field("system", 0).endObject()
                .endObject().toString());
    }
}
