package tw.tongbao.gateway.outbox;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.change.Receipt;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.gateway.NationalIds;

/** Filed changes as the filing hands them to the outbox, for tests of the relay and the publisher. */
final class FiledChanges {

    private FiledChanges() {}

    /** An address change of a new subject, in Chinese, addressed to {@code agencies} in this order. */
    static ChangeFiled addressedTo(String... agencies) {
        return withStreet("市府路", agencies);
    }

    /** As {@link #addressedTo}, its street {@code chars} characters long: a change as large as a test needs. */
    static ChangeFiled padded(int chars, String... agencies) {
        return withStreet("路".repeat(chars), agencies);
    }

    private static ChangeFiled withStreet(String street, String... agencies) {
        Map<String, Object> address = new LinkedHashMap<>();
        address.put("city", "臺北市");
        address.put("district", "信義區");
        address.put("street", street);
        address.put("number", "1號");
        return new ChangeFiled(
                UUID.randomUUID(),
                Receipt.random().value(),
                ChangeType.ADDRESS_CHANGE,
                NationalIds.random(),
                "王小明",
                1,
                LocalDate.parse("2026-12-01"),
                Instant.parse("2026-11-26T09:00:00Z"),
                Map.of("address", address),
                Arrays.stream(agencies)
                        .map(agency -> new Addressee(agency, UUID.randomUUID(), "ref-" + UUID.randomUUID()))
                        .toList());
    }
}
