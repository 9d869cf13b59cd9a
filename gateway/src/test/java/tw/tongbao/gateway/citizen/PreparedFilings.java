package tw.tongbao.gateway.citizen;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.change.NationalId;
import tw.tongbao.core.change.Receipt;
import tw.tongbao.gateway.NationalIds;
import tw.tongbao.gateway.security.Filer;

/** Filings as the controller hands them to the batcher and the writer, for tests of those two. */
final class PreparedFilings {

    private PreparedFilings() {}

    /** An address change of a new subject, filed by that subject under {@code key}, addressed to no agency. */
    static PreparedFiling filing(String key) {
        String subject = NationalIds.random();
        return new PreparedFiling(
                new Filer(new NationalId(subject), "王小明"),
                new ChangeRequest(
                        ChangeType.ADDRESS_CHANGE, new NationalId(subject), LocalDate.now(), Map.of(), Set.of()),
                new IdempotencyKey(key),
                "0".repeat(64),
                UUID.randomUUID(),
                Receipt.random(),
                List.of(),
                List.of(),
                "{}".getBytes(StandardCharsets.UTF_8));
    }
}
