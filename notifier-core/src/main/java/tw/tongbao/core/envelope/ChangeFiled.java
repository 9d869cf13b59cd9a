package tw.tongbao.core.envelope;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tw.tongbao.core.change.ChangeType;

/**
 * A change a citizen filed, as the gateway publishes it to the broker once for all its agencies.
 *
 * @param changeId internal id of the change
 * @param receipt the citizen-facing receipt
 * @param type the change type
 * @param subjectId national ID of the person whose data changes
 * @param subjectName the subject's name as known when filed (for agencies entitled to {@code name})
 * @param sequence per-subject counter: the n-th change ever filed for that subject
 * @param effectiveDate when the change takes effect
 * @param submittedAt when the gateway accepted it
 * @param data the type's data fields, as filed
 * @param addressees one per agency to notify
 */
public record ChangeFiled(
        UUID changeId,
        String receipt,
        ChangeType type,
        String subjectId,
        String subjectName,
        long sequence,
        LocalDate effectiveDate,
        Instant submittedAt,
        Map<String, Object> data,
        List<Addressee> addressees) {

    public ChangeFiled {
        data = data == null ? Map.of() : data;
        addressees = addressees == null ? List.of() : List.copyOf(addressees);
    }

    /** The addressee entry for one agency, if the change is addressed to it. */
    public Optional<Addressee> addresseeFor(String agency) {
        return addressees.stream().filter(a -> a.agency().equals(agency)).findFirst();
    }
}
