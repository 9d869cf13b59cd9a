package tw.tongbao.adapters.batchcsv;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import tw.tongbao.core.agency.Agency;

/** One agency's open batch: rows join it until it holds {@code batchSize} rows or {@code batchInterval} passed. */
final class AgencyBatches {

    private final ScheduledExecutorService writer;
    private final Consumer<Batch> publisher;
    private final BooleanSupplier stopping;
    private Batch open;
    private boolean closed;

    AgencyBatches(ScheduledExecutorService writer, Consumer<Batch> publisher, BooleanSupplier stopping) {
        this.writer = writer;
        this.publisher = publisher;
        this.stopping = stopping;
    }

    /** Adds a row to the open batch (opening one if needed); false once the transport is stopping. */
    synchronized boolean add(Agency agency, byte[] header, Batch.Row row) {
        if (closed || stopping.getAsBoolean()) {
            return false;
        }
        if (open == null) {
            Batch batch = new Batch(agency, header);
            batch.deadline(writer.schedule(
                    () -> closeIfOpen(batch), agency.batchInterval().toMillis(), TimeUnit.MILLISECONDS));
            open = batch;
        }
        open.add(row);
        if (open.size() >= open.agency().batchSize()) {
            Batch full = open;
            open = null;
            full.cancelDeadline();
            writer.execute(() -> publisher.accept(full));
        }
        return true;
    }

    /** Takes the open batch, if any, and accepts no more rows. */
    synchronized Batch closeForGood() {
        closed = true;
        Batch last = open;
        open = null;
        if (last != null) {
            last.cancelDeadline();
        }
        return last;
    }

    private void closeIfOpen(Batch batch) {
        synchronized (this) {
            if (open != batch) {
                return;
            }
            open = null;
        }
        publisher.accept(batch);
    }
}
