package tw.tongbao.adapters.batchcsv;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tw.tongbao.adapters.transport.AgencyTransport;
import tw.tongbao.adapters.transport.AttemptResult;
import tw.tongbao.adapters.transport.OutboundDelivery;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.answer.AgencyAnswer;

/**
 * Collects deliveries into CSV files in {@code {dropDirectory}/{AGENCY}/}; a delivery is delivered once the file
 * holding its row is in place with its sidecar. One writer thread publishes files, so they appear in order.
 */
@Component
public class BatchCsvTransport implements AgencyTransport, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BatchCsvTransport.class);
    private static final long STOP_WAIT_SECONDS = 30;

    private final DropFolder folder;
    private final ScheduledThreadPoolExecutor writer;
    private final Map<AgencyCode, AgencyBatches> batches = new ConcurrentHashMap<>();
    private volatile boolean running;
    private volatile boolean stopping;

    public BatchCsvTransport(BatchCsvProperties properties) {
        this.folder = new DropFolder(properties.dropDirectory());
        this.writer = new ScheduledThreadPoolExecutor(1, task -> new Thread(task, "batch-csv-writer"));
        writer.setRemoveOnCancelPolicy(true);
        writer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Removes files a crash left half-written; their deliveries were never reported delivered. */
    @PostConstruct
    public void removeLeftovers() {
        try {
            int removed = folder.removeLeftovers();
            if (removed > 0) {
                log.info("removed {} unfinished batch files left by an earlier run", removed);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean the batch-csv drop directory", e);
        }
    }

    @Override
    public Protocol protocol() {
        return Protocol.BATCH_CSV;
    }

    @Override
    public CompletableFuture<AttemptResult> attempt(Agency agency, OutboundDelivery delivery) {
        Instant startedAt = Instant.now();
        long startedNanos = System.nanoTime();
        Charset charset;
        try {
            charset = Charset.forName(agency.charset());
        } catch (IllegalArgumentException e) {
            return answered(AgencyAnswer.TRANSIENT_FAILURE, startedAt, "unknown charset " + agency.charset());
        }
        CsvLayout layout = CsvLayout.of(agency);
        byte[] header = CsvRows.encode(layout.columns(), layout.columns(), charset);
        byte[] line;
        try {
            line = CsvRows.encode(layout.columns(), layout.values(delivery), charset);
        } catch (CsvRows.CharacterNotEncodable e) {
            log.info(
                    "batch-csv refused delivery {} (receipt {}) for {}: {}",
                    delivery.addressee().deliveryId(),
                    delivery.change().receipt(),
                    agency.code(),
                    e.getMessage());
            return answered(AgencyAnswer.REJECTED, startedAt, e.getMessage());
        }
        Batch.Row row = new Batch.Row(line, startedAt, startedNanos, new CompletableFuture<>());
        AgencyBatches agencyBatches = batches.computeIfAbsent(
                agency.code(), code -> new AgencyBatches(writer, this::publish, () -> stopping));
        if (!agencyBatches.add(agency, header, row)) {
            return answered(AgencyAnswer.TRANSIENT_FAILURE, startedAt, "batch-csv transport is shutting down");
        }
        return row.result();
    }

    private void publish(Batch batch) {
        String agency = batch.agency().code().value();
        try {
            Path file = folder.publish(agency, batch.content(), Instant.now());
            log.info("published batch file {} with {} rows for {}", file.getFileName(), batch.size(), agency);
            batch.rows()
                    .forEach(row -> row.result()
                            .complete(result(row, AgencyAnswer.DELIVERED, "in " + file.getFileName(), null)));
        } catch (IOException | RuntimeException e) {
            log.warn("could not publish a batch file of {} rows for {}: {}", batch.size(), agency, e.toString());
            String error = "could not write batch file: " + e;
            batch.rows()
                    .forEach(row -> row.result().complete(result(row, AgencyAnswer.TRANSIENT_FAILURE, null, error)));
        }
    }

    private static AttemptResult result(Batch.Row row, AgencyAnswer answer, String excerpt, String error) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - row.startedNanos());
        return new AttemptResult(answer, row.startedAt(), millis, null, excerpt, error, null);
    }

    private static CompletableFuture<AttemptResult> answered(AgencyAnswer answer, Instant startedAt, String error) {
        return CompletableFuture.completedFuture(new AttemptResult(answer, startedAt, 0, null, null, error, null));
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * Closes every open batch without writing it, then lets the writer finish the files already closed; later attempts
     * fail transiently. The open batches' rows fail transiently too and stay unsent: the dispatchers, which stop first,
     * no longer settle what finishes now, so a file written here would be written again by the next instance (which
     * takes the rows over at once, as a clean stop frees this instance's leases).
     */
    @Override
    public void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        running = false;
        batches.values().forEach(agencyBatches -> {
            Batch open = agencyBatches.closeForGood();
            if (open != null) {
                log.info(
                        "{} row(s) of {}'s open batch not written at shutdown; they are sent after the restart",
                        open.size(),
                        open.agency().code());
                String error = "the adapters stopped before the batch file closed";
                open.rows()
                        .forEach(
                                row -> row.result().complete(result(row, AgencyAnswer.TRANSIENT_FAILURE, null, error)));
            }
        });
        writer.shutdown();
        try {
            if (!writer.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                log.warn("batch-csv writer still busy after {} s at shutdown", STOP_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the open batches even when the context never started this lifecycle. */
    @PreDestroy
    public void close() {
        stop();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    // Stops after the default phase, so the dispatcher stops handing over deliveries first.
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 1024;
    }
}
