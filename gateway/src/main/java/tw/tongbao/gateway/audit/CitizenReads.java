package tw.tongbao.gateway.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Records reads of citizens' changes by anyone other than their filer. A console that refreshes every few seconds
 * would write the same read again and again, so one actor's read of one receipt is recorded at most once per
 * {@code tongbao.ops.read-audit-window} (default 15 min) per gateway instance.
 */
@Component
public class CitizenReads {

    private final AuditLog audit;
    private final Clock clock;
    private final Duration window;
    private final Map<String, Instant> recorded = new ConcurrentHashMap<>();

    CitizenReads(AuditLog audit, Clock clock, AuditProperties properties) {
        this.audit = audit;
        this.clock = clock;
        this.window = properties.readAuditWindow();
    }

    /**
     * One change that was shown to the actor.
     *
     * @param receipt the change's receipt
     * @param filer the national ID of its filer (never written to the log; only compared)
     */
    public record Shown(String receipt, String filer) {}

    /** Appends one audit record listing the receipts not filed by the actor and not recorded lately; none if empty. */
    public void record(Actor actor, String action, List<Shown> shown, Map<String, ?> query) {
        Instant now = clock.instant();
        List<String> receipts = new ArrayList<>();
        for (Shown change : shown) {
            if (change.filer() != null && change.filer().equals(actor.subject())) {
                continue;
            }
            String key = actor.subject() + "|" + change.receipt();
            Instant last = recorded.get(key);
            if (last == null || !last.plus(window).isAfter(now)) {
                receipts.add(change.receipt());
            }
        }
        if (receipts.isEmpty()) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("receipts", receipts.stream().distinct().toList());
        details.put("query", query);
        audit.append(actor, action, receipts.size() == 1 ? receipts.get(0) : null, null, details);
        receipts.forEach(receipt -> recorded.put(actor.subject() + "|" + receipt, now));
        if (recorded.size() > 100_000) {
            recorded.entrySet().removeIf(entry -> !entry.getValue().plus(window).isAfter(now));
        }
    }
}
