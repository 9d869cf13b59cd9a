package tw.tongbao.systemtests.support;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.testing.TestDatabase;

/**
 * A stream of realistic filings across many subjects: address, name and contact changes, some choosing the
 * consent-based TPC; several per subject, so order and supersession are exercised.
 */
public final class Load {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration RETRY_PAUSE = Duration.ofMillis(250);

    private final List<Subject> subjects = new ArrayList<>();
    private final DeliveryLedger ledger = new DeliveryLedger();
    private final AtomicInteger attempted = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger retried = new AtomicInteger();
    private Duration patience = Duration.ZERO;

    private Load(TongbaoSystem system, int subjects) {
        for (int i = 0; i < subjects; i++) {
            String id = NationalIds.random();
            this.subjects.add(new Subject(id, system.citizen(id, "測試者" + i)));
        }
    }

    /** A load over that many fresh subjects. */
    public static Load over(TongbaoSystem system, int subjects) {
        return new Load(system, subjects);
    }

    /**
     * Sends a filing that got no answer (the gateway was down or restarting: no connection, a reset, a 503) again with
     * the same body and Idempotency-Key, every 250 ms for up to {@code patience}, as a citizen's app would; the gateway
     * files it once either way, and the ledger learns the receipt of every change the gateway committed. Without it
     * (the default) such a filing counts as refused.
     */
    public Load retryingUnanswered(Duration patience) {
        this.patience = patience;
        return this;
    }

    /** Files {@code changes} changes at about {@code perSecond}, in the background, with 8 parallel clients. */
    public CompletableFuture<DeliveryLedger> start(int changes, int perSecond) {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        return CompletableFuture.supplyAsync(() -> {
            long intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
            long next = System.nanoTime();
            List<CompletableFuture<Void>> filings = new ArrayList<>();
            for (int i = 0; i < changes; i++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                next += intervalNanos;
                filings.add(CompletableFuture.runAsync(this::fileOne, clients));
            }
            filings.forEach(CompletableFuture::join);
            clients.shutdown();
            return ledger;
        });
    }

    /** How many changes were sent so far. */
    public int attempted() {
        return attempted.get();
    }

    /** How many filings the gateway did not accept (it must accept every valid one). */
    public int refused() {
        return refused.get();
    }

    /** How many filings got no answer at first and were sent again ({@link #retryingUnanswered}). */
    public int retried() {
        return retried.get();
    }

    /**
     * How many changes the gateway stored for this load's subjects: as many as were accepted unless a filing was stored
     * twice, or stored without its client learning its receipt.
     */
    public int changesStored(TestDatabase gateway) {
        try (Connection connection = gateway.connect();
                PreparedStatement statement =
                        connection.prepareStatement("select count(*) from change where subject_id = any(?)")) {
            statement.setArray(
                    1,
                    connection.createArrayOf(
                            "text", subjects.stream().map(Subject::id).toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count the gateway's changes", e);
        }
    }

    /** The ledger of accepted changes so far. */
    public DeliveryLedger ledger() {
        return ledger;
    }

    private void fileOne() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Subject chosen = subjects.get(random.nextInt(subjects.size()));
        String subject = chosen.id();
        String[] notify = random.nextInt(3) == 0 ? new String[] {"TPC"} : new String[0];
        String body = switch (random.nextInt(3)) {
            case 0 -> ChangeRequests.addressChangeAt(subject, (1 + random.nextInt(200)) + "號", notify);
            case 1 -> ChangeRequests.nameChange(subject, "王" + (char) ('一' + random.nextInt(200)), notify);
            default -> ChangeRequests.contactChange(subject, "09" + (10000000 + random.nextInt(89999999)), notify);
        };
        attempted.incrementAndGet();
        file(chosen, body);
    }

    /** Files one change, sending it again while unanswered if the load retries. */
    private void file(Subject chosen, String body) {
        String key = UUID.randomUUID().toString();
        long deadline = System.nanoTime() + patience.toNanos();
        boolean first = true;
        while (true) {
            String unanswered;
            try {
                HttpResponse<String> response = chosen.citizen().file(body, key);
                if (response.statusCode() == 202) {
                    ledger.accepted(
                            JSON.readTree(response.body()).get("receipt").asString());
                    return;
                }
                if (response.statusCode() != 503) {
                    refused.incrementAndGet();
                    System.err.println("filing refused: " + response.statusCode() + " " + response.body());
                    return;
                }
                unanswered = "503 " + response.body();
            } catch (RuntimeException e) {
                unanswered = e.getMessage();
            }
            if (System.nanoTime() + RETRY_PAUSE.toNanos() > deadline) {
                refused.incrementAndGet();
                System.err.println("filing failed: " + unanswered);
                return;
            }
            if (first) {
                retried.incrementAndGet();
                first = false;
            }
            LockSupport.parkNanos(RETRY_PAUSE.toNanos());
        }
    }

    private record Subject(String id, Citizen citizen) {}
}
