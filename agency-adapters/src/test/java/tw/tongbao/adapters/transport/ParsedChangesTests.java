package tw.tongbao.adapters.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.fixtures.Changes;

class ParsedChangesTests {

    private final CountingJson counting = new CountingJson();

    @Test
    void aChangeReadForSeveralAgenciesIsParsedOnce() {
        ParsedChanges parsed = new ParsedChanges(counting.json, 8);
        ChangeFiled change = Changes.addressChange("NHIA", "NTA", "TPC");
        byte[] message = counting.json.writeValueAsBytes(change);

        for (int agency = 0; agency < 3; agency++) {
            assertThat(parsed.of(change.changeId(), message).addresseeFor("NTA"))
                    .isEqualTo(change.addresseeFor("NTA"));
        }

        assertThat(counting.changesParsed).hasValue(1);
    }

    @Test
    void holdsNoMoreThanItsCapacityDroppingTheLeastRecentlyUsed() {
        ParsedChanges parsed = new ParsedChanges(counting.json, 3);
        List<ChangeFiled> changes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            changes.add(Changes.addressChange("NHIA"));
        }
        for (ChangeFiled change : changes.subList(0, 3)) {
            read(parsed, change);
        }
        read(parsed, changes.get(0));

        for (ChangeFiled change : changes.subList(3, 10)) {
            read(parsed, change);
            read(parsed, changes.get(0));
            assertThat(parsed.size()).isLessThanOrEqualTo(3);
        }

        // The first change, used between every other, stayed; every other was parsed once, and only once.
        assertThat(counting.changesParsed).hasValue(10);
        read(parsed, changes.get(1));
        assertThat(counting.changesParsed).hasValue(11);
    }

    @Test
    void theSharedChangeCannotBeChangedByOneAgencyUnderAnothersFeet() {
        ParsedChanges parsed = new ParsedChanges(counting.json, 8);
        ChangeFiled change = Changes.addressChange("NHIA", "NTA");

        ChangeFiled shared = read(parsed, change);

        assertThat(shared.data())
                .isEqualTo(counting.json
                        .readValue(counting.json.writeValueAsBytes(change), ChangeFiled.class)
                        .data());
        assertThatThrownBy(() -> shared.data().put("address", "elsewhere"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(shared.data().get("address")).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> address = (Map<String, Object>) shared.data().get("address");
        assertThatThrownBy(() -> address.put("city", "elsewhere")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> shared.addressees().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aMessageThatCannotBeReadFailsEveryTimeAndIsNotHeld() {
        ParsedChanges parsed = new ParsedChanges(counting.json, 8);
        ChangeFiled change = Changes.filed(ChangeType.ADDRESS_CHANGE, "A123456789", 1, Map.of(), "NHIA");
        byte[] broken = "{\"changeId\": oops".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> parsed.of(change.changeId(), broken)).isInstanceOf(JacksonException.class);
        assertThatThrownBy(() -> parsed.of(change.changeId(), broken)).isInstanceOf(JacksonException.class);
        assertThat(parsed.size()).isZero();
    }

    private ChangeFiled read(ParsedChanges parsed, ChangeFiled change) {
        return parsed.of(change.changeId(), counting.json.writeValueAsBytes(change));
    }
}
