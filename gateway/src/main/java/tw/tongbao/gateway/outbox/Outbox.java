package tw.tongbao.gateway.outbox;

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

    /** Records the message to publish; it leaves only if the surrounding transaction commits. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void append(ChangeFiled change) {
        jdbc.update(
                "insert into outbox (change_id, payload, created_at) values (?, cast(? as jsonb), now())",
                change.changeId(),
                json.writeValueAsString(change));
        events.publishEvent(new OutboxAppended(change.changeId()));
    }
}
