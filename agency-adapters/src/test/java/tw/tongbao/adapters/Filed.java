package tw.tongbao.adapters;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.fixtures.Changes;

/** Filed changes for the adapters' tests: each with its own receipt, for a subject the test names. */
final class Filed {

    private Filed() {}

    /** An address change of {@code subject} with the given sequence, addressed to the agencies. */
    static ChangeFiled addressChange(String subject, long sequence, String... agencies) {
        return change(ChangeType.ADDRESS_CHANGE, subject, sequence, agencies);
    }

    /** A change of any type; the subject's pseudonym is {@code ref-<subject>-<agency>}. */
    static ChangeFiled change(ChangeType type, String subject, long sequence, String... agencies) {
        List<Addressee> addressees = new ArrayList<>();
        for (String agency : agencies) {
            addressees.add(new Addressee(agency, UUID.randomUUID(), "ref-" + subject + "-" + agency));
        }
        return new ChangeFiled(
                UUID.randomUUID(),
                "TB-" + UUID.randomUUID().toString().substring(0, 10).toUpperCase(java.util.Locale.ROOT),
                type,
                "A123456789",
                "王小明",
                sequence,
                LocalDate.of(2026, 12, 1),
                Instant.parse("2026-11-26T09:00:00Z"),
                data(type),
                addressees);
    }

    private static Map<String, Object> data(ChangeType type) {
        return switch (type) {
            case ADDRESS_CHANGE -> Map.of("address", Changes.address());
            case NAME_CHANGE -> Map.of("name", "王大明");
            case CONTACT_CHANGE -> Map.of("phone", "0912345678");
            case DEATH_REPORT -> Map.of("dateOfDeath", "2026-11-20", "relationship", "CHILD", "name", "王小明");
        };
    }

    /** The delivery id of one agency's entry. */
    static UUID deliveryId(ChangeFiled change, String agency) {
        return change.addresseeFor(agency).orElseThrow().deliveryId();
    }
}
