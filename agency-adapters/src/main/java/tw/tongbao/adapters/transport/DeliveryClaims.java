package tw.tongbao.adapters.transport;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tw.tongbao.adapters.AdaptersProperties;

/**
 * The dispatchers' side of the {@code adapter_delivery} table: leases due deliveries, head of line first, and gives
 * back those it could not try. What a try made of a delivery is written by {@link DeliveryStore}.
 */
@Repository
public class DeliveryClaims {

    private final JdbcClient jdbc;

    private final double staleSeconds;

    public DeliveryClaims(JdbcTemplate jdbc, AdaptersProperties properties) {
        this.jdbc = JdbcClient.create(jdbc);
        this.staleSeconds = properties.instanceStaleAfter().toMillis() / 1000.0;
    }

    /**
     * Claims up to {@code limit} due deliveries of one agency for {@code instance}, each the oldest open one of its
     * subject (head of line), skipping rows another dispatcher holds, and leases them until {@code leaseUntil}. A lease
     * that lapsed, or whose holder stopped heartbeating, no longer holds a row back.
     */
    public List<Claim> claim(String agency, int limit, Instant now, Instant leaseUntil, UUID instance) {
        // adapter_head names each subject's lowest open delivery (kept by a trigger, V3) and when it may next be
        // claimed (V13: a head in flight is not due before its lease ends). Candidates are read from it a page at a
        // time in due order (a single-table index range scan, whatever the statistics say), then leased by primary
        // key; a row in flight that its head does not show as such (leased by an older version, or by an instance that
        // stopped heartbeating before the heads it held were given back) is passed over, so a claim costs O(batch),
        // not O(backlog): one statement, unless the first page holds such rows.
        List<Claim> claimed = new ArrayList<>(limit);
        Head after = null;
        // A page of as many heads as slots: a head in flight is not in it (V13), so only a row another claim holds
        // now, or a lease the head does not show, makes it come up short; the next page is then twice the size.
        int page = limit;
        while (claimed.size() < limit) {
            Page result = claimPage(agency, after, page, limit - claimed.size(), now, leaseUntil, instance);
            claimed.addAll(result.claims());
            if (result.heads() < page) {
                break;
            }
            after = result.last();
            page *= 2;
        }
        return claimed;
    }

    /**
     * In one statement: reads a page of head-of-line candidates in due order (after {@code after}), leases up to
     * {@code limit} of them that are still due, open, free and first of their subject, and says how many candidates the
     * page held and which was last. The outer LEFT JOIN returns the page's row even when nothing was leased; a leased
     * delivery whose message were missing would come with a null message, which the dispatcher parks (the inbox
     * commits a change's message before any of its deliveries, and nothing deletes messages).
     */
    private Page claimPage(
            String agency, Head after, int page, int limit, Instant now, Instant leaseUntil, UUID instance) {
        JdbcClient.StatementSpec spec = jdbc.sql(after == null ? ClaimStatement.FIRST_PAGE : ClaimStatement.NEXT_PAGE)
                .param("agency", agency)
                .param("now", Timestamp.from(now))
                .param("page", page)
                .param("lease", Timestamp.from(leaseUntil))
                .param("instance", instance)
                .param("stale", staleSeconds)
                .param("limit", limit);
        if (after != null) {
            spec = spec.param("afterAt", after.nextAttemptAt()).param("afterSeq", after.sequence());
        }
        List<Claim> claims = new ArrayList<>(limit);
        int[] heads = {0};
        Head[] last = {null};
        spec.query(rs -> {
            heads[0] = rs.getInt("head_count");
            Timestamp lastAt = rs.getTimestamp("last_at");
            last[0] = lastAt == null ? null : new Head(lastAt, rs.getLong("last_seq"));
            if (rs.getObject("delivery_id") != null) {
                claims.add(new Claim(
                        DeliveryStore.map(rs, 0),
                        rs.getObject("change_id", UUID.class),
                        // The text's bytes as the server sent them (UTF-8): parsed as bytes, never decoded to a String.
                        rs.getBytes("message"),
                        rs.getBoolean("taken_over") ? rs.getObject("previous_holder", UUID.class) : null));
            }
        });
        return new Page(claims, heads[0], last[0]);
    }

    /** Where a page of head-of-line candidates ended, so the next page starts after it (in due order). */
    private record Head(Timestamp nextAttemptAt, long sequence) {}

    /** What one claim statement leased, how many candidates its page held, and the page's last candidate. */
    private record Page(List<Claim> claims, int heads, Head last) {}

    /**
     * Gives a claimed delivery back untouched: no try was made, so nothing else changes; its head is due again at its
     * own time (the trigger, V13).
     */
    public void release(UUID deliveryId) {
        jdbc.sql("UPDATE adapter_delivery SET lease_until = NULL, leased_by = NULL WHERE delivery_id = :id")
                .param("id", deliveryId)
                .update();
    }

    /**
     * A claimed delivery with the message it came in.
     *
     * @param changeId the change whose message it is
     * @param message the message's JSON in UTF-8
     * @param takenOverFrom the instance whose lease was taken over because it stopped heartbeating, or null
     */
    public record Claim(AdapterDelivery delivery, UUID changeId, byte[] message, UUID takenOverFrom) {

        /** The message as text. */
        public String messageJson() {
            return new String(message, StandardCharsets.UTF_8);
        }
    }
}
