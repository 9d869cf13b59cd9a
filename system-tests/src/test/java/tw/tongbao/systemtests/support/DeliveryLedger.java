package tw.tongbao.systemtests.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;

/**
 * Checks a load run by what the agencies received: every accepted (change, agency) pair delivered or superseded,
 * none lost, duplicates only with the same {@code webhook-id}, and per subject the sequence order kept.
 */
public final class DeliveryLedger {

    private final Map<String, Citizen> accepted = new ConcurrentHashMap<>();

    /** Records an accepted change and the citizen who can read it. */
    public void accepted(String receipt, Citizen filer) {
        accepted.put(receipt, filer);
    }

    /** How many changes were accepted. */
    public int acceptedCount() {
        return accepted.size();
    }

    /** Reads every accepted change's deliveries at the gateway and what the agencies received. */
    public Verdict verdict(Map<String, WireMockServer> agencies) {
        Map<String, Map<String, Set<String>>> idsByReceiptAndAgency = new HashMap<>();
        List<String> reorderings = new ArrayList<>();
        for (Map.Entry<String, WireMockServer> agency : agencies.entrySet()) {
            Map<String, Long> lastSequenceBySubject = new HashMap<>();
            Set<String> seenIds = new LinkedHashSet<>();
            for (Received received : Received.by(agency.getValue())) {
                idsByReceiptAndAgency
                        .computeIfAbsent(received.receipt(), r -> new HashMap<>())
                        .computeIfAbsent(agency.getKey(), a -> new LinkedHashSet<>())
                        .add(received.webhookId());
                if (!seenIds.add(received.webhookId())) {
                    continue; // a redelivery of the same id: the agency de-duplicates it
                }
                String subject = received.data().get("subjectRef").asString();
                long sequence = received.data().get("sequence").asLong();
                Long previous = lastSequenceBySubject.put(subject, sequence);
                if (previous != null && previous > sequence) {
                    reorderings.add(agency.getKey() + ": sequence " + sequence + " after " + previous);
                }
            }
        }
        int pairs = 0;
        int delivered = 0;
        int superseded = 0;
        List<String> lost = new ArrayList<>();
        List<String> duplicates = new ArrayList<>();
        List<String> unsettled = new ArrayList<>();
        for (Map.Entry<String, Citizen> change : accepted.entrySet()) {
            JsonNode view = change.getValue().change(change.getKey());
            for (JsonNode delivery : view.get("deliveries")) {
                pairs++;
                String agency = delivery.get("agency").asString();
                String status = delivery.get("status").asString();
                Set<String> ids = idsByReceiptAndAgency
                        .getOrDefault(change.getKey(), Map.of())
                        .getOrDefault(agency, Set.of());
                if (ids.size() > 1) {
                    duplicates.add(change.getKey() + " → " + agency + " under " + ids.size() + " ids");
                }
                switch (status) {
                    case "DELIVERED", "APPLIED" -> {
                        delivered++;
                        if (ids.isEmpty()) {
                            lost.add(change.getKey() + " → " + agency + " is " + status + " but never arrived");
                        }
                    }
                    case "SUPERSEDED" -> superseded++;
                    default -> unsettled.add(change.getKey() + " → " + agency + " is " + status);
                }
            }
        }
        return new Verdict(accepted.size(), pairs, delivered, superseded, lost, duplicates, reorderings, unsettled);
    }

    /** The figures of a run. */
    public record Verdict(
            int accepted,
            int pairs,
            int delivered,
            int superseded,
            List<String> lost,
            List<String> duplicateEffects,
            List<String> reorderings,
            List<String> unsettled) {

        /** Whether every pair is delivered or superseded. */
        public boolean settled() {
            return unsettled.isEmpty();
        }

        /** One line per figure, for a report. */
        public String summary() {
            return "accepted changes:  " + accepted + "\n"
                    + "deliveries:        " + pairs + "\n"
                    + "delivered:         " + delivered + "\n"
                    + "superseded:        " + superseded + "\n"
                    + "lost:              " + (lost.size() + unsettled.size()) + "\n"
                    + "duplicate effects: " + duplicateEffects.size() + "\n"
                    + "reorderings:       " + reorderings.size();
        }
    }
}
