package tw.tongbao.gateway.outbox;

import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.envelope.ChangeFiled;

/** Where a filing leaves its {@link ChangeFiled} message, in the filing's own transaction, for the relay. */
@Component
public class Outbox {

    private final JdbcTemplate jdbc;
    private final JsonMapper json;
    private final ApplicationEventPublisher events;

    Outbox(JdbcTemplate jdbc, JsonMapper json, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.json = json;
        this.events = events;
    }

    /**
     * Records the messages in one statement, in the given order (the relay publishes in that order); they leave only
     * if the surrounding transaction commits. Each is written once as UTF-8 and handed to PostgreSQL as those bytes,
     * which it turns into text; the relay publishes the same bytes.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void appendAll(List<ChangeFiled> changes) {
        if (changes.isEmpty()) {
            return;
        }
        jdbc.update(
                "insert into outbox (change_id, payload, created_at)"
                        + " select change_id, convert_from(payload, 'UTF8'), now()"
                        + " from unnest(?::uuid[], ?::bytea[]) with ordinality as t (change_id, payload, position)"
                        + " order by position",
                changes.stream().map(change -> change.changeId().toString()).toArray(String[]::new),
                changes.stream().map(json::writeValueAsBytes).toArray(byte[][]::new));
        events.publishEvent(new OutboxAppended(changes.size()));
    }
}
