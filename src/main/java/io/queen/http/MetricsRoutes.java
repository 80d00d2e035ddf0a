package io.queen.http;

import io.queen.metrics.QueenMetrics;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/** GET /metrics (JSON summary, real numbers) and GET /metrics/prometheus (spec 3.1). */
final class MetricsRoutes {
    private final QueenMetrics metrics;
    private final int configuredConnections;
    private final java.util.function.IntSupplier openConnections;

    /** @param openConnections connections this worker's pools hold open right now */
    MetricsRoutes(QueenMetrics metrics, int configuredConnections, java.util.function.IntSupplier openConnections) {
        this.metrics = metrics;
        this.configuredConnections = configuredConnections;
        this.openConnections = openConnections;
    }

    void mount(Router router) {
        router.get("/metrics/prometheus").handler(this::prometheus);
        router.get("/metrics").handler(this::summary);
    }

    private void prometheus(RoutingContext ctx) {
        // scraping reads /proc and JMX: keep it off the event loop
        ctx.vertx().executeBlocking(metrics::scrape, false).onComplete(ar -> {
            if (ar.failed()) {
                Responses.failure(ctx, ar.cause());
                return;
            }
            Responses.cors(ctx.response());
            ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(ar.result());
        });
    }

    private void summary(RoutingContext ctx) {
        double uptime = metrics.uptimeSeconds();
        double requests = metrics.pushRequests.count() + metrics.popRequests.count() + metrics.ackRequests.count()
                + metrics.transactions.count();
        double messages = metrics.pushMessages.count() + metrics.popMessages.count();
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
