package tw.tongbao.systemtests.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tw.tongbao.core.testing.TestDatabase;

/**
 * Checks a load run by what the agencies received: every accepted (change, agency) pair delivered or superseded,
 * none lost, duplicates only with the same {@code webhook-id}, and per subject the sequence order kept.
 */
public final class DeliveryLedger {

    private final Set<String> accepted = ConcurrentHashMap.newKeySet();

    /** Records an accepted change. */
    public void accepted(String receipt) {
        accepted.add(receipt);
    }

    /** How many changes were accepted. */
    public int acceptedCount() {
        return accepted.size();
    }

    /** How many of the accepted changes' deliveries are still pending or retrying at the gateway. */
    public int open(TestDatabase gateway) {
        int open = 0;
        for (Map.Entry<String, String> pair : statuses(gateway).entrySet()) {
            if (pair.getValue().equals("PENDING") || pair.getValue().equals("RETRYING")) {
                open++;
            }
        }
        return open;
    }

    /** Compares the gateway's record of every accepted change with what the agencies received. */
    public Verdict verdict(TestDatabase gateway, Map<String, WireMockServer> agencies) {
        Map<String, Set<String>> idsByPair = new HashMap<>();
        List<String> reorderings = new ArrayList<>();
        for (Map.Entry<String, WireMockServer> agency : agencies.entrySet()) {
            Map<String, Long> lastSequenceBySubject = new HashMap<>();
            Set<String> seenIds = new LinkedHashSet<>();
            for (Received received : Received.by(agency.getValue())) {
                if (!accepted.contains(received.receipt())) {
                    continue;
                }
                idsByPair
                        .computeIfAbsent(received.receipt() + " → " + agency.getKey(), p -> new LinkedHashSet<>())
                        .add(received.webhookId());
                if (!seenIds.add(received.webhookId())) {
                    continue; // a redelivery under the same id: the agency de-duplicates it
                }
                String subject = received.data().get("subjectRef").asString();
                long sequence = received.data().get("sequence").asLong();
                Long previous = lastSequenceBySubject.put(subject, sequence);
                if (previous != null && previous > sequence) {
                    reorderings.add(agency.getKey() + ": sequence " + sequence + " arrived after " + previous);
                }
            }
        }
        int delivered = 0;
        int superseded = 0;
        List<String> lost = new ArrayList<>();
        List<String> duplicates = new ArrayList<>();
        Map<String, String> statuses = statuses(gateway);
        for (Map.Entry<String, String> pair : statuses.entrySet()) {
            Set<String> ids = idsByPair.getOrDefault(pair.getKey(), Set.of());
            if (ids.size() > 1) {
                duplicates.add(pair.getKey() + " arrived under " + ids.size() + " different ids");
            }
            switch (pair.getValue()) {
                case "DELIVERED", "APPLIED" -> {
                    delivered++;
                    if (ids.isEmpty()) {
                        lost.add(pair.getKey() + " is " + pair.getValue() + " but never arrived");
                    }
                }
                case "SUPERSEDED" -> superseded++;
                default -> lost.add(pair.getKey() + " is " + pair.getValue());
            }
        }
        return new Verdict(accepted.size(), statuses.size(), delivered, superseded, lost, duplicates, reorderings);
    }

    /** (receipt → agency) → status, for the accepted changes, from the gateway's database. */
    private Map<String, String> statuses(TestDatabase gateway) {
        Map<String, String> statuses = new HashMap<>();
        String sql = "select c.receipt, d.agency, d.status from change c join delivery d on d.change_id = c.id";
        try (Connection connection = gateway.connect();
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                if (accepted.contains(rows.getString(1))) {
                    statuses.put(rows.getString(1) + " → " + rows.getString(2), rows.getString(3));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the gateway's deliveries", e);
        }
        return statuses;
    }

    /** The figures of a run. */
    public record Verdict(
            int accepted,
            int deliveries,
            int delivered,
            int superseded,
            List<String> lost,
            List<String> duplicateEffects,
            List<String> reorderings) {

        /** One line per figure, for a report. */
        public String summary() {
            return "accepted changes:  " + accepted + "\n"
                    + "deliveries:        " + deliveries + "\n"
                    + "delivered:         " + delivered + "\n"
                    + "superseded:        " + superseded + "\n"
                    + "lost:              " + lost.size() + "\n"
                    + "duplicate effects: " + duplicateEffects.size() + "\n"
                    + "reorderings:       " + reorderings.size();
        }
    }
}
