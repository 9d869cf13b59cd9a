package tw.tongbao.gateway.citizen;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.change.NationalId;
import tw.tongbao.core.delivery.ChangeStatus;
import tw.tongbao.core.delivery.DeliveryStatus;

/** Reads changes, their deliveries and timelines as the citizen sees them; only ever the filer's own. */
@Component
final class ChangeQueries {

    /** The change's own columns, and the names of the data fields it was filed with. */
    private static final String CHANGE_COLUMNS =
            "id, receipt, type, submitted_at, sequence," + " array(select jsonb_object_keys(data)) as data_fields";

    /**
     * The timelines of the deliveries {@code :ids}, in revision order: a report recorded late (ReportVerdict.LATE) takes
     * its place. By delivery id, never through a join from the changes: PostgreSQL would then build the whole view
     * (V13) before joining it.
     */
    static final String TIMELINES =
            "select delivery_id, status, at from delivery_timeline where delivery_id in (:ids) order by revision, id";

    private final NamedParameterJdbcTemplate jdbc;
    private final AgencyRegistry registry;
    private final JsonMapper json;

    ChangeQueries(NamedParameterJdbcTemplate jdbc, AgencyRegistry registry, JsonMapper json) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.json = json;
    }

    /**
     * The first answer given to this filer's key.
     *
     * @param requestHash the fingerprint of the body that got it
     * @param response the body of that answer
     * @param json that body exactly as it was sent (UTF-8)
     */
    record StoredAnswer(String requestHash, ChangeView response, byte[] json) {}

    Optional<StoredAnswer> findAnswer(NationalId filer, IdempotencyKey key) {
        return jdbc
                .query(
                        "select request_hash, response from change"
                                + " where filer_id = :filer and idempotency_key = :key",
                        Map.of("filer", filer.value(), "key", key.value()),
                        (rs, n) -> {
                            // The text's bytes as the server sends them (UTF-8): the first answer's very bytes.
                            byte[] response = rs.getBytes("response");
                            return new StoredAnswer(
                                    rs.getString("request_hash"), json.readValue(response, ChangeView.class), response);
                        })
                .stream()
                .findFirst();
    }

    Optional<ChangeView> find(NationalId filer, String receipt) {
        List<ChangeRow> rows = jdbc.query(
                "select " + CHANGE_COLUMNS + " from change where filer_id = :filer and receipt = :receipt",
                Map.of("filer", filer.value(), "receipt", receipt),
                ChangeQueries::changeRow);
        return views(rows).stream().findFirst();
    }

    ChangePage list(NationalId filer, int page, int size) {
        Long total = jdbc.queryForObject(
                "select count(*) from change where filer_id = :filer", Map.of("filer", filer.value()), Long.class);
        List<ChangeRow> rows = jdbc.query(
                "select " + CHANGE_COLUMNS + " from change where filer_id = :filer"
                        + " order by submitted_at desc, receipt desc limit :size offset :offset",
                Map.of("filer", filer.value(), "size", size, "offset", (long) page * size),
                ChangeQueries::changeRow);
        return new ChangePage(views(rows), page, size, total == null ? 0 : total);
    }

    private List<ChangeView> views(List<ChangeRow> changes) {
        if (changes.isEmpty()) {
            return List.of();
        }
        List<UUID> ids = changes.stream().map(ChangeRow::id).toList();
        Map<UUID, ChangeRow> byId = new LinkedHashMap<>();
        changes.forEach(change -> byId.put(change.id(), change));
        List<DeliveryRow> rows = jdbc.query(
                "select id, change_id, agency, status, attempts, reason, next_attempt_at, updated_at from delivery"
                        + " where change_id in (:ids)",
                Map.of("ids", ids),
                (rs, n) -> new DeliveryRow(
                        rs.getObject("id", UUID.class),
                        rs.getObject("change_id", UUID.class),
                        rs.getString("agency"),
                        DeliveryStatus.valueOf(rs.getString("status")),
                        rs.getInt("attempts"),
                        rs.getString("reason"),
                        instant(rs, "next_attempt_at"),
                        instant(rs, "updated_at")));
        Map<UUID, List<DeliveryView.TimelineEntry>> timelines = timelines(rows);
        Map<UUID, List<DeliveryView>> deliveries = new LinkedHashMap<>();
        for (DeliveryRow row : rows) {
            deliveries
                    .computeIfAbsent(row.changeId(), k -> new ArrayList<>())
                    .add(new DeliveryView(
                            row.agency(),
                            agencyName(row.agency()),
                            row.status(),
                            row.updatedAt(),
                            row.attempts(),
                            row.reason(),
                            row.nextAttemptAt(),
                            timelines.getOrDefault(row.id(), List.of()),
                            receivedFields(byId.get(row.changeId()), row.agency())));
        }
        return changes.stream()
                .map(change -> {
                    List<DeliveryView> views = new ArrayList<>(deliveries.getOrDefault(change.id(), List.of()));
                    views.sort(Comparator.comparingInt(d -> registryOrder(d.agency())));
                    return new ChangeView(
                            change.receipt(),
                            change.type(),
                            ChangeStatus.of(
                                    views.stream().map(DeliveryView::status).toList()),
                            change.submittedAt(),
                            change.sequence(),
                            List.copyOf(views));
                })
                .toList();
    }

    /** The deliveries' timelines ({@link #TIMELINES}), by delivery id. */
    private Map<UUID, List<DeliveryView.TimelineEntry>> timelines(List<DeliveryRow> rows) {
        Map<UUID, List<DeliveryView.TimelineEntry>> timelines = new LinkedHashMap<>();
        if (rows.isEmpty()) {
            return timelines;
        }
        jdbc.query(TIMELINES, Map.of("ids", rows.stream().map(DeliveryRow::id).toList()), rs -> {
            timelines
                    .computeIfAbsent(rs.getObject("delivery_id", UUID.class), k -> new ArrayList<>())
                    .add(new DeliveryView.TimelineEntry(
                            DeliveryStatus.valueOf(rs.getString("status")), instant(rs, "at")));
        });
        return timelines;
    }

    private List<String> receivedFields(ChangeRow change, String agency) {
        return ReceivedFields.of(registry, change.type(), agency, change.dataFields());
    }

    private String agencyName(String code) {
        return registry.all().stream()
                .filter(a -> a.code().value().equals(code))
                .findFirst()
                .map(a -> a.displayName("zh-TW"))
                .orElse(code);
    }

    private int registryOrder(String code) {
        List<Agency> all = registry.all();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).code().value().equals(code)) {
                return i;
            }
        }
        return all.size();
    }

    private static ChangeRow changeRow(ResultSet rs, int rowNum) throws SQLException {
        return new ChangeRow(
                rs.getObject("id", UUID.class),
                rs.getString("receipt"),
                ChangeType.valueOf(rs.getString("type")),
                instant(rs, "submitted_at"),
                rs.getLong("sequence"),
                Set.of((String[]) rs.getArray("data_fields").getArray()));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private record ChangeRow(
            UUID id, String receipt, ChangeType type, Instant submittedAt, long sequence, Set<String> dataFields) {}

    private record DeliveryRow(
            UUID id,
            UUID changeId,
            String agency,
            DeliveryStatus status,
            int attempts,
            String reason,
            Instant nextAttemptAt,
            Instant updatedAt) {}
}
