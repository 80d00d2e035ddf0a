package io.queen.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * N closed request loops: each loop starts its next step only when the previous one has
 * completed, so the offered load is exactly N requests in flight (no queueing in the client).
 */
final class LoadLoop {
    private LoadLoop() {
    }

    /**
     * Runs {@code loops} loops of {@code step} while {@code keepGoing} is true. A step answers
     * how many messages it handled; a failed step counts one error and the loop pauses
     * briefly so a refused connection does not turn into a busy spin.
     */
    static Future<Void> run(Vertx vertx, Meter meter, int loops, BooleanSupplier keepGoing,
                            Function<Meter.Lane, Future<Integer>> step) {
        List<Future<Void>> done = new ArrayList<>();
        for (int i = 0; i < loops; i++) {
            Promise<Void> finished = Promise.promise();
            Meter.Lane lane = meter.lane();
            // a fresh context per loop spreads the loops over all event loops
            Context context = vertx.getOrCreateContext();
            context.runOnContext(v -> next(vertx, meter, lane, keepGoing, step, finished));
            done.add(finished.future());
        }
        return Future.all(done).mapEmpty();
    }

    private static void next(Vertx vertx, Meter meter, Meter.Lane lane, BooleanSupplier keepGoing,
                             Function<Meter.Lane, Future<Integer>> step, Promise<Void> finished) {
        if (!keepGoing.getAsBoolean()) {
            finished.complete();
            return;
        }
        Future<Integer> f;
        try {
            f = step.apply(lane);
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        f.onComplete(ar -> {
            if (ar.succeeded()) {
                meter.messages.add(ar.result());
                next(vertx, meter, lane, keepGoing, step, finished);
            } else {
                meter.errors.increment();
                Bench.noteError(ar.cause());
                vertx.setTimer(20, t -> next(vertx, meter, lane, keepGoing, step, finished));
            }
        });
    }
}
