package tw.tongbao.gateway.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The append-only audit log: each record is hash-chained to the one before, appends are serialized by a
 * transaction-scoped advisory lock, and the table refuses UPDATE, DELETE and TRUNCATE (see V3 migration).
 */
@Component
public class AuditLog {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    /** Advisory lock key that serializes appends ("TBAUDIT" in ASCII). */
    private static final long APPEND_LOCK = 0x5442_4155_4449_54L;

    private static final String COLUMNS =
            "id, at, actor, actor_name, roles, action, target, reason, details::text as details, previous_hash, hash";

    private final JdbcTemplate jdbc;
    private final JdbcTemplate streaming;
    private final JsonMapper json;
    private final Clock clock;

    AuditLog(JdbcTemplate jdbc, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.streaming = new JdbcTemplate(jdbc.getDataSource());
        this.streaming.setFetchSize(500);
        this.json = json;
        this.clock = clock;
    }

    /** Appends one record after the current head of the chain; joins the caller's transaction if there is one. */
    @Transactional
    public AuditEntry append(Actor actor, String action, String target, String reason, Map<String, ?> details) {
        jdbc.queryForObject("select pg_advisory_xact_lock(?)", Object.class, APPEND_LOCK);
        String previous =
                jdbc.query("select hash from audit_log order by id desc limit 1", (rs, n) -> rs.getString(1)).stream()
                        .findFirst()
                        .orElse(AuditEntry.GENESIS);
        long id = jdbc.queryForObject("select nextval('audit_log_id_seq')", Long.class);
        // jsonb's own text form, so that the hash can be recomputed from what the database gives back.
        String detailsText = jdbc.queryForObject(
                "select cast(? as jsonb)::text",
                String.class,
                json.writeValueAsString(details == null ? Map.of() : details));
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        AuditEntry unsealed = new AuditEntry(
                id,
                at,
                actor.subject(),
                actor.name(),
                actor.rolesText(),
                action,
                target,
                reason,
                detailsText,
                previous,
                null);
        String hash = unsealed.expectedHash();
        jdbc.update(
                "insert into audit_log (id, at, actor, actor_name, roles, action, target, reason, details, previous_hash,"
                        + " hash) values (?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?)",
                id,
                OffsetDateTime.ofInstant(at, ZoneOffset.UTC),
                actor.subject(),
                actor.name(),
                actor.rolesText(),
                action,
                target,
                reason,
                detailsText,
                previous,
                hash);
        log.info("audit #{}: {} by {} on {}", id, action, actor.subject(), target);
        return new AuditEntry(
                id,
                at,
                actor.subject(),
                actor.name(),
                actor.rolesText(),
                action,
                target,
                reason,
                detailsText,
                previous,
                hash);
    }

    /** Walks the whole chain in order and names the first record whose hash or link does not hold. */
    @Transactional(readOnly = true)
    public ChainVerdict verify() {
        ChainWalk walk = new ChainWalk();
        streaming.query("select " + COLUMNS + " from audit_log order by id", (RowCallbackHandler) rs -> {
            if (walk.verdict == null) {
                walk.check(entry(rs));
            }
        });
        ChainVerdict verdict = walk.verdict != null ? walk.verdict : ChainVerdict.intact(walk.checked);
        if (!verdict.valid()) {
            log.warn("audit chain broken at record {}: {}", verdict.firstBroken(), verdict.reason());
        }
        return verdict;
    }

    /** One page of the log, newest first. */
    @Transactional(readOnly = true)
    public List<AuditEntry> page(int page, int size) {
        return jdbc.query(
                "select " + COLUMNS + " from audit_log order by id desc limit ? offset ?",
                (rs, n) -> entry(rs),
                size,
                (long) page * size);
    }

    /** How many records the log holds. */
    public long count() {
        return jdbc.queryForObject("select count(*) from audit_log", Long.class);
    }

    private static AuditEntry entry(ResultSet rs) throws SQLException {
        return new AuditEntry(
                rs.getLong("id"),
                rs.getObject("at", OffsetDateTime.class).toInstant(),
                rs.getString("actor"),
                rs.getString("actor_name"),
                rs.getString("roles"),
                rs.getString("action"),
                rs.getString("target"),
                rs.getString("reason"),
                rs.getString("details"),
                rs.getString("previous_hash"),
                rs.getString("hash"));
    }

    /** The state of one walk along the chain. */
    private static final class ChainWalk {
        private String previous = AuditEntry.GENESIS;
        private long checked;
        private ChainVerdict verdict;

        void check(AuditEntry entry) {
            checked++;
            if (!entry.previousHash().equals(previous)) {
                verdict = ChainVerdict.broken(
                        checked, entry.id(), "its previous hash does not match the hash of the record before it");
            } else if (!entry.expectedHash().equals(entry.hash())) {
                verdict = ChainVerdict.broken(
                        checked, entry.id(), "its content does not match its hash (altered after it was written)");
            }
            previous = entry.hash();
        }
    }
}
