package tw.tongbao.systemtests.support;

import java.net.http.HttpResponse;
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

/**
 * A stream of realistic filings across many subjects: address, name and contact changes, some choosing the
 * consent-based TPC; several per subject, so order and supersession are exercised.
 */
public final class Load {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<Subject> subjects = new ArrayList<>();
    private final DeliveryLedger ledger = new DeliveryLedger();
    private final AtomicInteger attempted = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

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
        try {
            HttpResponse<String> response =
                    chosen.citizen().file(body, UUID.randomUUID().toString());
            if (response.statusCode() == 202) {
                ledger.accepted(JSON.readTree(response.body()).get("receipt").asString());
            } else {
                refused.incrementAndGet();
                System.err.println("filing refused: " + response.statusCode() + " " + response.body());
            }
        } catch (RuntimeException e) {
            refused.incrementAndGet();
            System.err.println("filing failed: " + e.getMessage());
        }
    }

    private record Subject(String id, Citizen citizen) {}
}
