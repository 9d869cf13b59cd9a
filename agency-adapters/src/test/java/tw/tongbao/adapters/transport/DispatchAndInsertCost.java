package tw.tongbao.adapters.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.ObjectReader;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.fixtures.Changes;
import tw.tongbao.core.routing.EntitlementPolicy;

/**
 * Not part of the suite (no {@code Tests} suffix): prints what turning 1,000 changes × 5 agencies into outbound
 * deliveries, and inserting their 5,000 arrivals, costs the old way and the new, against the real database. Run with
 * {@code mvn -o -pl agency-adapters test -Dtest=DispatchAndInsertCost}; asserts nothing about timings.
 */
class DispatchAndInsertCost {

    private static final String[] FIVE = {"NHIA", "NTA", "TPC", "CEDAR", "MOI"};
    private static final int CHANGES = 1_000;
    private static final int ROUNDS = 25;

    /** The insert as it was: one single-row statement per arrival, sent as a JDBC batch. */
    private static final String OLD_INSERT = "INSERT INTO adapter_delivery (" + DeliveryStore.COLUMNS
            + ", change_id, received_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (delivery_id) DO NOTHING";

    @RegisterExtension
    static final EngineDatabase db = EngineDatabase.emptiedBeforeEach("cost");

    @Test
    void printsTheCostOfParsingAndInserting() {
        List<ChangeFiled> changes = new ArrayList<>();
        List<byte[]> messages = new ArrayList<>();
        for (int i = 0; i < CHANGES; i++) {
            ChangeFiled change = Changes.addressChange(FIVE);
            changes.add(change);
            messages.add(db.json.writeValueAsBytes(change));
        }
        // Each agency claims 16 at a time, in the same change order, the agencies taking turns.
        List<int[]> claims = new ArrayList<>();
        for (int from = 0; from < CHANGES; from += 16) {
            for (int agency = 0; agency < FIVE.length; agency++) {
                for (int i = from; i < Math.min(CHANGES, from + 16); i++) {
                    claims.add(new int[] {i, agency});
                }
            }
        }
        Agency[] agencies = new Agency[FIVE.length];
        for (int a = 0; a < FIVE.length; a++) {
            agencies[a] = EngineDatabase.agency(FIVE[a]);
        }
        ObjectReader reader = db.json.readerFor(ChangeFiled.class);

        long[] oldParse = new long[ROUNDS];
        long[] newParse = new long[ROUNDS];
        long[] oldInsert = new long[ROUNDS];
        long[] newInsert = new long[ROUNDS];
        long[] oldServer = new long[ROUNDS];
        long[] newServer = new long[ROUNDS];
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            long sink = 0;
            for (int[] claim : claims) {
                ChangeFiled change = reader.readValue(messages.get(claim[0]));
                sink += outbound(change, agencies[claim[1]]);
            }
            oldParse[round] = System.nanoTime() - start;

            ParsedChanges parsed = new ParsedChanges(db.json, ParsedChanges.CAPACITY);
            start = System.nanoTime();
            for (int[] claim : claims) {
                ChangeFiled change = parsed.of(changes.get(claim[0]).changeId(), messages.get(claim[0]));
                sink += outbound(change, agencies[claim[1]]);
            }
            newParse[round] = System.nanoTime() - start;

            List<List<DeliveryStore.Arrival>> batches = batches(changes);
            db.empty();
            long cpu = serverCpuTicks();
            start = System.nanoTime();
            for (List<DeliveryStore.Arrival> batch : batches) {
                db.transactions.executeWithoutResult(tx -> {
                    // No disk flush per commit, in both ways: the statements' cost, not the disk's, is compared.
                    db.store.commitWithoutWaitingForTheDisk();
                    oldInsert(batch);
                });
            }
            oldInsert[round] = System.nanoTime() - start;
            oldServer[round] = (serverCpuTicks() - cpu) * 10_000_000L;

            batches = batches(changes);
            db.empty();
            cpu = serverCpuTicks();
            start = System.nanoTime();
            for (List<DeliveryStore.Arrival> batch : batches) {
                db.transactions.executeWithoutResult(tx -> {
                    db.store.commitWithoutWaitingForTheDisk();
                    db.store.insertAllIfAbsent(batch, Instant.now());
                });
            }
            newInsert[round] = System.nanoTime() - start;
            newServer[round] = (serverCpuTicks() - cpu) * 10_000_000L;
            if (sink == 42) {
                System.out.println();
            }
        }
        System.out.printf(
                "dispatch parse of %d deliveries: old %s ms, new %s ms%n", claims.size(), ms(oldParse), ms(newParse));
        System.out.printf(
                "insert of %d arrivals in batches of 65: old %s ms, new %s ms%n",
                CHANGES * FIVE.length, ms(oldInsert), ms(newInsert));
        System.out.printf("  PostgreSQL backends' CPU: old %s ms, new %s ms%n", ms(oldServer), ms(newServer));
    }

    /**
     * CPU time (user + system, in clock ticks of 10 ms) of this test database's PostgreSQL backends, read from /proc:
     * the server's own cost of the statements, less disturbed than wall time by whatever else the machine runs.
     */
    private static long serverCpuTicks() {
        List<Integer> pids = db.jdbc
                .sql("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
                .query(Integer.class)
                .list();
        long ticks = 0;
        for (int pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ticks;
    }

    private static int outbound(ChangeFiled change, Agency agency) {
        Addressee addressee = change.addresseeFor(agency.code().value()).orElseThrow();
        Map<String, Object> data = EntitlementPolicy.dataFor(change, addressee, agency);
        return new OutboundDelivery(change, addressee, data).data().size();
    }

    /** Inbox batches of 13 changes × 5 agencies (65 arrivals), as the inbox stores a batch of about 64 messages. */
    private static List<List<DeliveryStore.Arrival>> batches(List<ChangeFiled> changes) {
        List<List<DeliveryStore.Arrival>> batches = new ArrayList<>();
        Instant now = Instant.now();
        for (int from = 0; from < changes.size(); from += 13) {
            List<DeliveryStore.Arrival> batch = new ArrayList<>();
            for (String agency : FIVE) {
                for (ChangeFiled change : changes.subList(from, Math.min(changes.size(), from + 13))) {
                    Addressee addressee = change.addresseeFor(agency).orElseThrow();
                    batch.add(new DeliveryStore.Arrival(
                            AdapterDelivery.received(
                                    addressee.deliveryId(),
                                    agency,
                                    addressee.subjectRef() + "-" + change.changeId(),
                                    change.sequence(),
                                    change.type(),
                                    change.receipt(),
                                    now),
                            change.changeId()));
                }
            }
            batches.add(batch);
        }
        return batches;
    }

    private static void oldInsert(List<DeliveryStore.Arrival> arrivals) {
        Timestamp at = Timestamp.from(Instant.now());
        List<DeliveryStore.Arrival> sorted = new ArrayList<>(arrivals);
        sorted.sort((a, b) -> {
            AdapterDelivery x = a.delivery();
            AdapterDelivery y = b.delivery();
            int c = x.agency().compareTo(y.agency());
            c = c != 0 ? c : x.subjectRef().compareTo(y.subjectRef());
            c = c != 0 ? c : Long.compare(x.sequence(), y.sequence());
            return c != 0 ? c : x.deliveryId().compareTo(y.deliveryId());
        });
        List<Object[]> rows = new ArrayList<>();
        for (DeliveryStore.Arrival arrival : sorted) {
            AdapterDelivery d = arrival.delivery();
            rows.add(new Object[] {
                d.deliveryId(),
                d.agency(),
                d.subjectRef(),
                d.sequence(),
                d.changeType().name(),
                d.receipt(),
                d.status().name(),
                d.attempts(),
                d.revision(),
                d.reason(),
                Timestamp.from(d.nextAttemptAt()),
                d.attemptsBeforeRetry(),
                arrival.changeId(),
                at,
                at
            });
        }
        db.template.batchUpdate(OLD_INSERT, rows);
    }

    /** Median and minimum of the rounds after the first five (warm-up). */
    private static String ms(long[] nanos) {
        long[] kept = java.util.Arrays.copyOfRange(nanos, 5, nanos.length);
        java.util.Arrays.sort(kept);
        return String.format("median %.1f (min %.1f)", kept[kept.length / 2] / 1e6, kept[0] / 1e6);
    }
}
