package tw.tongbao.adapters.inbox;

import java.sql.Timestamp;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code poison_message} table: messages that can never be delivered, kept for operators instead of looping. */
@Repository
class PoisonMessages {

    private static final Logger log = LoggerFactory.getLogger(PoisonMessages.class);

    private final JdbcClient jdbc;
    private final Clock clock;

    PoisonMessages(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Keeps the raw message with the reason it cannot be delivered. */
    void keep(String queue, String reason, byte[] body) {
        jdbc.sql("INSERT INTO poison_message (queue, reason, body, received_at) VALUES (:queue, :reason, :body, :at)")
                .param("queue", queue)
                .param("reason", reason)
                .param("body", body)
                .param("at", Timestamp.from(clock.instant()))
                .update();
        log.warn("poison message on {} set aside in poison_message: {}", queue, reason);
    }
}
