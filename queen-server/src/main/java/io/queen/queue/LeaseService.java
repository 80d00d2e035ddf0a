package io.queen.queue;

import io.queen.db.SqlFiles;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.UUID;

/** Extends leases (every partition held under one lease id). */
public final class LeaseService {
    private static final String SQL = SqlFiles.query("renew_lease");

    /** @param expiresAt the earliest new expiry when renewed, else null with an error */
    public record Renewal(OffsetDateTime expiresAt, String error) {
    }

    private final SqlClient db;

    public LeaseService(SqlClient db) {
        this.db = db;
    }

    public Future<Renewal> extend(UUID leaseId, int seconds) {
        return db.preparedQuery(SQL).execute(Tuple.of(leaseId, seconds)).map(rows -> {
            Row row = rows.iterator().next();
            OffsetDateTime expires = row.getOffsetDateTime(0);
            if (expires != null) {
                return new Renewal(expires, null);
            }
            if (!row.getBoolean(1)) {
                return new Renewal(null, "Lease not found");
            }
            return new Renewal(null, row.getBoolean(2) ? "Lease already expired" : "Lease not active");
        });
    }
}
