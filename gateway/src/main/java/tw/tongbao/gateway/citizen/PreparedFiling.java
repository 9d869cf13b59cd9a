package tw.tongbao.gateway.citizen;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.change.Receipt;
import tw.tongbao.core.delivery.ChangeStatus;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.gateway.security.Filer;

/**
 * A validated change with everything worked out that needs no database (ids, recipients, pseudonyms, its data as
 * JSON), so the writer only numbers, names and inserts it.
 *
 * @param filer who files
 * @param request the validated request
 * @param key the filer's Idempotency-Key
 * @param requestHash the fingerprint of the request body
 * @param changeId the change's internal id
 * @param receipt the citizen-facing receipt
 * @param recipients the agencies told, in the order of {@code addressees}
 * @param addressees one per recipient: its delivery id and the subject's pseudonym for it
 * @param dataJson the request's data as UTF-8 JSON
 */
record PreparedFiling(
        Filer filer,
        ChangeRequest request,
        IdempotencyKey key,
        String requestHash,
        UUID changeId,
        Receipt receipt,
        List<Agency> recipients,
        List<Addressee> addressees,
        byte[] dataJson) {

    PreparedFiling {
        recipients = List.copyOf(recipients);
        addressees = List.copyOf(addressees);
    }

    String subject() {
        return request.subject().value();
    }

    /** The subject's name when nothing filed names them: the filer's own, if they file about themselves. */
    String filersOwnName() {
        return request.subject().equals(filer.id()) ? filer.name() : null;
    }

    /** Whether later filings about the subject take their name from this one. */
    boolean renames() {
        return request.type() == ChangeType.NAME_CHANGE;
    }

    /** The name this filing gives the subject (as {@code data->>'name'} reads it), or null. */
    String newName() {
        Object name = request.data().get("name");
        return name == null ? null : name.toString();
    }

    /** The answer the filer gets, and gets again for a repeated key: every delivery pending since {@code now}. */
    ChangeView view(long sequence, Instant now) {
        List<DeliveryView> deliveries = new ArrayList<>(recipients.size());
        for (Agency agency : recipients) {
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
        return new ChangeView(
                receipt.value(),
                request.type(),
                ChangeStatus.of(deliveries.stream().map(DeliveryView::status).toList()),
                now,
                sequence,
                List.copyOf(deliveries));
    }

    /** The message the outbox publishes for it. */
    ChangeFiled filed(long sequence, String subjectName, Instant now) {
        return new ChangeFiled(
                changeId,
                receipt.value(),
                request.type(),
                subject(),
                subjectName,
                sequence,
                request.effectiveDate(),
                now,
                request.data(),
                addressees);
    }
}
