package tw.tongbao.gateway.operator;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.gateway.audit.CitizenReads;

/** Reads the gateway's deliveries, their tries and per-minute figures for the operator API. */
@Component
class DeliveryQueries {

    /** The contract shows the first 2 KiB of an agency's answer. */
    static final int RESPONSE_BYTES = 2048;

    private final JdbcTemplate jdbc;

    DeliveryQueries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One page of deliveries.
     *
     * @param items the deliveries, most recently changed first
     * @param total how many match
     * @param shown the changes shown, with their filers (for the read audit; never sent out)
     */
    record Found(List<DeliveryRecord> items, long total, List<CitizenReads.Shown> shown) {}

    /** The status and agency of one delivery, if it exists. */
    record Current(UUID id, String agency, DeliveryStatus status) {}

    Found search(DeliveryFilter filter, int page, int size) {
        List<Object> args = new ArrayList<>();
        String where = where(filter, args);
        long total = jdbc.queryForObject(
                "select count(*) from delivery d join change c on c.id = d.change_id" + where,
                Long.class,
                args.toArray());
        args.add(size);
        args.add((long) page * size);
        List<Object[]> rows = jdbc.query(
                "select d.id, d.agency, d.status, d.attempts, d.reason, d.next_attempt_at, d.updated_at, c.receipt,"
                        + " c.type, c.filer_id from delivery d join change c on c.id = d.change_id" + where
                        + " order by d.updated_at desc, d.id limit ? offset ?",
                (rs, n) -> new Object[] {
                    rs.getObject("id", UUID.class),
                    rs.getString("agency"),
                    rs.getString("status"),
                    rs.getInt("attempts"),
                    rs.getString("reason"),
                    instant(rs, "next_attempt_at"),
                    instant(rs, "updated_at"),
                    rs.getString("receipt"),
                    rs.getString("type"),
                    rs.getString("filer_id")
                },
                args.toArray());
        Map<UUID, List<DeliveryRecord.Attempt>> attempts = new HashMap<>();
        Map<UUID, List<DeliveryRecord.Step>> timelines = new HashMap<>();
        events(rows.stream().map(row -> (UUID) row[0]).toList(), attempts, timelines);
        List<DeliveryRecord> items = new ArrayList<>();
        List<CitizenReads.Shown> shown = new ArrayList<>();
        for (Object[] row : rows) {
            UUID id = (UUID) row[0];
            items.add(new DeliveryRecord(
                    id,
                    (String) row[7],
                    (String) row[8],
                    (String) row[1],
                    (String) row[2],
                    (Integer) row[3],
                    (String) row[4],
                    (Instant) row[5],
                    (Instant) row[6],
                    attempts.getOrDefault(id, List.of()),
                    timelines.getOrDefault(id, List.of())));
            shown.add(new CitizenReads.Shown((String) row[7], (String) row[9]));
        }
        return new Found(items, total, shown);
    }

    /** Ids and agencies of the deliveries a bulk retry concerns, oldest change first, at most {@code limit}. */
    List<Current> matching(String agency, DeliveryStatus status, Instant since, Instant until, int limit) {
        List<Object> args = new ArrayList<>();
        String where = where(new DeliveryFilter(status, agency, null, since, until), args);
        args.add(limit);
        return jdbc.query(
                "select d.id, d.agency, d.status from delivery d join change c on c.id = d.change_id" + where
                        + " order by d.updated_at, d.id limit ?",
                (rs, n) -> current(rs),
                args.toArray());
    }

    Optional<Current> find(UUID id) {
        return jdbc.query("select id, agency, status from delivery where id = ?", (rs, n) -> current(rs), id).stream()
                .findFirst();
    }

    /**
     * Deliveries and failed tries of one agency per minute since {@code from}, one entry per minute with any.
     *
     * @return minute start → {delivered, failed}
     */
    Map<Instant, long[]> perMinute(String agency, Instant from) {
        Map<Instant, long[]> minutes = new HashMap<>();
        jdbc.query(
                "select date_trunc('minute', e.at) as minute,"
                        + " count(*) filter (where e.status in ('DELIVERED', 'APPLIED') and e.attempt_number is not null)"
                        + " as delivered,"
                        + " count(*) filter (where e.attempt_number is not null"
                        + " and e.status in ('RETRYING', 'REJECTED', 'PARKED')) as failed"
                        + " from delivery_event e join delivery d on d.id = e.delivery_id"
                        + " where d.agency = ? and e.at >= ? group by 1",
                rs -> {
                    minutes.put(instant(rs, "minute"), new long[] {rs.getLong("delivered"), rs.getLong("failed")});
                },
                agency,
                OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
        return minutes;
    }

    private void events(
            List<UUID> ids,
            Map<UUID, List<DeliveryRecord.Attempt>> attempts,
            Map<UUID, List<DeliveryRecord.Step>> steps) {
        if (ids.isEmpty()) {
            return;
        }
        String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
        jdbc.query(
                "select delivery_id, status, at, attempt_number, http_status, duration_ms, response_excerpt, error"
                        // Revision order: a report recorded late (ReportVerdict.LATE) takes its place.
                        + " from delivery_timeline where delivery_id in (" + marks + ") order by revision, id",
                rs -> {
                    UUID id = rs.getObject("delivery_id", UUID.class);
                    String status = rs.getString("status");
                    Instant at = instant(rs, "at");
                    steps.computeIfAbsent(id, key -> new ArrayList<>()).add(new DeliveryRecord.Step(status, at));
                    int number = rs.getInt("attempt_number");
                    if (!rs.wasNull()) {
                        long duration = rs.getLong("duration_ms");
                        Long durationMillis = rs.wasNull() ? null : duration;
                        int http = rs.getInt("http_status");
                        Integer httpStatus = rs.wasNull() ? null : http;
                        attempts.computeIfAbsent(id, key -> new ArrayList<>())
                                .add(new DeliveryRecord.Attempt(
                                        number,
                                        at,
                                        durationMillis,
                                        httpStatus,
                                        firstBytes(rs.getString("response_excerpt")),
                                        rs.getString("error"),
                                        status));
                    }
                },
                ids.toArray());
    }

    private static String where(DeliveryFilter filter, List<Object> args) {
        StringBuilder where = new StringBuilder(" where true");
        if (filter.status() != null) {
            where.append(" and d.status = ?");
            args.add(filter.status().name());
        }
        if (filter.agency() != null) {
            where.append(" and d.agency = ?");
            args.add(filter.agency());
        }
        if (filter.receipt() != null) {
            where.append(" and c.receipt = ?");
            args.add(filter.receipt());
        }
        if (filter.since() != null) {
            where.append(" and d.updated_at >= ?");
            args.add(OffsetDateTime.ofInstant(filter.since(), ZoneOffset.UTC));
        }
        if (filter.until() != null) {
            where.append(" and d.updated_at < ?");
            args.add(OffsetDateTime.ofInstant(filter.until(), ZoneOffset.UTC));
        }
        return where.toString();
    }

    /** The longest prefix of the text that fits in 2 KiB of UTF-8 (never splitting a character). */
    static String firstBytes(String text) {
        if (text == null || text.length() * 3 <= RESPONSE_BYTES) {
            return text;
        }
        CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder();
        ByteBuffer out = ByteBuffer.allocate(RESPONSE_BYTES);
        CharBuffer in = CharBuffer.wrap(text);
        encoder.encode(in, out, true);
        return text.substring(0, in.position());
    }

    private static Current current(ResultSet rs) throws SQLException {
        return new Current(
                rs.getObject("id", UUID.class), rs.getString("agency"), DeliveryStatus.valueOf(rs.getString("status")));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
