package tw.tongbao.gateway.citizen;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.change.Receipt;
import tw.tongbao.core.delivery.ChangeStatus;
import tw.tongbao.core.delivery.DeliveryId;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.pseudonym.SubjectPseudonyms;
import tw.tongbao.core.routing.RecipientPolicy;
import tw.tongbao.gateway.outbox.Outbox;
import tw.tongbao.gateway.security.Filer;

/**
 * Records one filing in one transaction: the subject's next sequence, the change, one pending delivery per
 * recipient and the outbox message, so either all of it exists or none.
 */
@Component
class ChangeFiling {

    private static final Logger log = LoggerFactory.getLogger(ChangeFiling.class);

    private final JdbcTemplate jdbc;
    private final RecipientPolicy recipients;
    private final SubjectPseudonyms pseudonyms;
    private final Outbox outbox;
    private final JsonMapper json;
    private final Clock clock;

    ChangeFiling(
            JdbcTemplate jdbc,
            RecipientPolicy recipients,
            SubjectPseudonyms pseudonyms,
            Outbox outbox,
            JsonMapper json,
            Clock clock) {
        this.jdbc = jdbc;
        this.recipients = recipients;
        this.pseudonyms = pseudonyms;
        this.outbox = outbox;
        this.json = json;
        this.clock = clock;
    }

    /** Files the change; a second filing with the same key fails on the unique constraint and rolls back. */
    @Transactional
    ChangeView file(Filer filer, ChangeRequest request, IdempotencyKey key, String requestHash) {
        String subject = request.subject().value();
        long sequence = jdbc.queryForObject(
                "insert into subject_sequence (subject_id, last_sequence) values (?, 1)"
                        + " on conflict (subject_id) do update set last_sequence = subject_sequence.last_sequence + 1"
                        + " returning last_sequence",
                Long.class,
                subject);
        String subjectName = subjectName(filer, request);
        UUID changeId = UUID.randomUUID();
        Receipt receipt = Receipt.random();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<Agency> agencies = recipients.recipients(request.type(), request.chosenAgencies());

        List<Addressee> addressees = new ArrayList<>();
        List<DeliveryView> deliveries = new ArrayList<>();
        for (Agency agency : agencies) {
            DeliveryId deliveryId = DeliveryId.random();
            addressees.add(new Addressee(
                    agency.code().value(),
                    deliveryId.value(),
                    pseudonyms.subjectRef(agency.code(), request.subject())));
            deliveries.add(new DeliveryView(
                    agency.code().value(),
                    agency.displayName("zh-TW"),
                    DeliveryStatus.PENDING,
                    now,
                    0,
                    null,
                    null,
                    List.of(new DeliveryView.TimelineEntry(DeliveryStatus.PENDING, now)),
                    ReceivedFields.of(request.type(), agency, request.data().keySet())));
        }
        ChangeView view = new ChangeView(
                receipt.value(),
                request.type(),
                ChangeStatus.of(deliveries.stream().map(DeliveryView::status).toList()),
                now,
                sequence,
                List.copyOf(deliveries));

        jdbc.update(
                "insert into change (id, receipt, type, subject_id, filer_id, subject_name, sequence, effective_date,"
                        + " submitted_at, data, idempotency_key, request_hash, response)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, cast(? as jsonb))",
                changeId,
                receipt.value(),
                request.type().name(),
                subject,
                filer.id().value(),
                subjectName,
                sequence,
                request.effectiveDate(),
                OffsetDateTime.ofInstant(now, ZoneOffset.UTC),
                json.writeValueAsString(request.data()),
                key.value(),
                requestHash,
                json.writeValueAsString(view));
        for (Addressee addressee : addressees) {
            jdbc.update(
                    "insert into delivery (id, change_id, agency, status, attempts, revision, updated_at)"
                            + " values (?, ?, ?, ?, 0, 0, ?)",
                    addressee.deliveryId(),
                    changeId,
                    addressee.agency(),
                    DeliveryStatus.PENDING.name(),
                    OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            jdbc.update(
                    "insert into delivery_event (delivery_id, status, at, revision) values (?, ?, ?, 0)",
                    addressee.deliveryId(),
                    DeliveryStatus.PENDING.name(),
                    OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
        }
        if (!addressees.isEmpty()) {
            outbox.append(new ChangeFiled(
                    changeId,
                    receipt.value(),
                    request.type(),
                    subject,
                    subjectName,
                    sequence,
                    request.effectiveDate(),
                    now,
                    request.data(),
                    addressees));
        }
        log.info(
                "change {} filed: type={} subject={} sequence={} agencies={}",
                receipt,
                request.type(),
                request.subject().masked(),
                sequence,
                addressees.stream().map(Addressee::agency).toList());
        return view;
    }

    /** The latest name filed for the subject, else the filer's own name when filing about themselves. */
    private String subjectName(Filer filer, ChangeRequest request) {
        List<String> filed = jdbc.queryForList(
                "select data->>'name' from change where subject_id = ? and type = ?"
                        + " order by sequence desc limit 1",
                String.class,
                request.subject().value(),
                ChangeType.NAME_CHANGE.name());
        if (!filed.isEmpty() && filed.get(0) != null) {
            return filed.get(0);
        }
        return request.subject().equals(filer.id()) ? filer.name() : null;
    }
}
