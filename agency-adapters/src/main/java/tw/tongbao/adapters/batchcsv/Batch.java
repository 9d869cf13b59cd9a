package tw.tongbao.adapters.batchcsv;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import tw.tongbao.adapters.transport.AttemptResult;
import tw.tongbao.core.agency.Agency;

/** The rows of one batch file that is still open; guarded by its {@link AgencyBatches}. */
final class Batch {

    /** One delivery's row and the future its attempt returned. */
    record Row(byte[] bytes, Instant startedAt, long startedNanos, CompletableFuture<AttemptResult> result) {}

    private final Agency agency;
    private final byte[] header;
    private final List<Row> rows = new ArrayList<>();
    private Future<?> deadline;

    Batch(Agency agency, byte[] header) {
        this.agency = agency;
        this.header = header;
    }

    Agency agency() {
        return agency;
    }

    void add(Row row) {
        rows.add(row);
    }

    int size() {
        return rows.size();
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    void deadline(Future<?> closing) {
        this.deadline = closing;
    }

    /** The interval close is no longer needed once the batch closed another way. */
    void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    /** The whole file: header, then one line per row, in arrival order. */
    byte[] content() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(header.length + rows.size() * 256);
        out.writeBytes(header);
        rows.forEach(row -> out.writeBytes(row.bytes()));
        return out.toByteArray();
    }
}
