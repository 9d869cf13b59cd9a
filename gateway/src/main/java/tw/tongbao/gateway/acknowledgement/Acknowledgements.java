package tw.tongbao.gateway.acknowledgement;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.delivery.DeliveryTransitions;
import tw.tongbao.gateway.status.DeliveryTimeline;

/**
 * Applies agencies' acknowledgements, each {@code webhook-id} at most once: the answer, the delivery's move and its
 * timeline row are written in one transaction, and a replayed id gets the first answer again.
 */
@Component
class Acknowledgements {

    private static final Logger log = LoggerFactory.getLogger(Acknowledgements.class);

    private final JdbcTemplate jdbc;
    private final DeliveryTimeline timeline;
    private final JsonMapper json;
    private final Clock clock;

    Acknowledgements(JdbcTemplate jdbc, DeliveryTimeline timeline, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.timeline = timeline;
        this.json = json;
        this.clock = clock;
    }

    /** The first answer given to this agency's {@code webhookId}, or the answer to applying it now. */
    @Transactional
    StoredAnswer apply(AgencyCode agency, String webhookId, Acknowledgement acknowledgement) {
        Instant now = clock.instant();
        // Claiming the id first makes a concurrent replay wait here for this transaction, then see its answer.
        int claimed = jdbc.update(
                "insert into agency_acknowledgement (agency, webhook_id, delivery_id, received_at, http_status, answer)"
                        + " values (?, ?, ?, ?, 0, '') on conflict do nothing",
                agency.value(),
                webhookId,
                acknowledgement.deliveryId().value(),
                OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
        if (claimed == 0) {
            StoredAnswer earlier = earlier(agency, webhookId);
            log.info(
                    "acknowledgement {} from {} replayed: answered {} again, nothing changed",
                    webhookId,
                    agency,
                    earlier.status());
            return earlier;
        }
        AcknowledgementAnswer answer = decide(agency, webhookId, acknowledgement, now);
        StoredAnswer stored = new StoredAnswer(answer.status().value(), json.writeValueAsString(answer.body()));
        if (answer.retryLater()) {
            jdbc.update(
                    "delete from agency_acknowledgement where agency = ? and webhook_id = ?",
                    agency.value(),
                    webhookId);
            return stored.askingToRetryLater();
        }
        jdbc.update(
                "update agency_acknowledgement set http_status = ?, answer = ? where agency = ? and webhook_id = ?",
                stored.status(),
                stored.body(),
                agency.value(),
                webhookId);
        return stored;
    }

    private AcknowledgementAnswer decide(
            AgencyCode agency, String webhookId, Acknowledgement acknowledgement, Instant now) {
        UUID id = acknowledgement.deliveryId().value();
        Optional<Target> found = jdbc
                .query(
                        "select d.agency, d.status, d.revision, c.receipt from delivery d join change c on c.id = d.change_id"
                                + " where d.id = ? for update of d",
                        (rs, n) -> new Target(
                                rs.getString("agency"),
                                DeliveryStatus.valueOf(rs.getString("status")),
                                rs.getLong("revision"),
                                rs.getString("receipt")),
                        id)
                .stream()
                .findFirst();
        if (found.isEmpty()) {
            return AcknowledgementAnswer.problem(
                    HttpStatus.NOT_FOUND, "Delivery not found", "Tongbao has no delivery " + id);
        }
        Target target = found.get();
        if (!target.agency().equals(agency.value())) {
            log.info("acknowledgement {} from {} refused: delivery {} is not its own", webhookId, agency, id);
            return AcknowledgementAnswer.problem(
                    HttpStatus.FORBIDDEN, "Not your delivery", "delivery " + id + " was not addressed to " + agency);
        }
        Outcome outcome = acknowledgement.outcome();
        DeliveryStatus current = target.status();
        if (current == outcome.status()) {
            return AcknowledgementAnswer.settled(id.toString(), outcome, current.name());
        }
        if (current.isOpen()) {
            return AcknowledgementAnswer.notYetDelivered("delivery " + id + " is " + current
                    + ": Tongbao has not yet recorded that you have it; send the acknowledgement again later");
        }
        if (current != DeliveryStatus.DELIVERED || !DeliveryTransitions.isLegal(current, outcome.status())) {
            return AcknowledgementAnswer.problem(
                    HttpStatus.CONFLICT,
                    "Delivery already settled",
                    "delivery " + id + " is " + current + " and cannot become " + outcome.status());
        }
        move(id, current, target.revision(), outcome.status(), acknowledgement.reason(), now);
        log.info(
                "delivery {} ({}) {} -> {} by acknowledgement {} (receipt {})",
                id,
                agency,
                current,
                outcome.status(),
                webhookId,
                target.receipt());
        return AcknowledgementAnswer.settled(
                id.toString(), outcome, outcome.status().name());
    }

    private void move(UUID id, DeliveryStatus from, long revision, DeliveryStatus to, String reason, Instant now) {
        DeliveryTransitions.require(from, to);
        // The revision stays: it counts the adapters' reports, and their next one must still apply. The timeline step
        // carries it, so that timelines read in revision order put this step after the report it follows.
        jdbc.update(
                "update delivery set status = ?, reason = ?, next_attempt_at = null, updated_at = ? where id = ?",
                to.name(),
                reason,
                OffsetDateTime.ofInstant(now, ZoneOffset.UTC),
                id);
        timeline.append(id, to, now, revision, reason, null);
    }

    private StoredAnswer earlier(AgencyCode agency, String webhookId) {
        List<StoredAnswer> answers = jdbc.query(
                "select http_status, answer from agency_acknowledgement where agency = ? and webhook_id = ?",
                (rs, n) -> new StoredAnswer(rs.getInt("http_status"), rs.getString("answer")),
                agency.value(),
                webhookId);
        return answers.get(0);
    }

    /** The delivery an acknowledgement names, as locked for the move. */
    private record Target(String agency, DeliveryStatus status, long revision, String receipt) {}
}
