package tw.tongbao.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tw.tongbao.core.change.NationalId;

class NationalIdsTests {

    @Test
    void everyGeneratedIdPassesTheChecksum() {
        for (long n = 0; n < 20_000; n += 7) {
            assertThat(NationalId.isValid(NationalIds.nth(n)))
                    .as(NationalIds.nth(n))
                    .isTrue();
        }
        assertThat(NationalId.isValid(NationalIds.nth(NationalIds.capacity() - 1)))
                .isTrue();
    }

    @Test
    void consecutiveIdsAreDistinct() {
        Set<String> seen = new HashSet<>();
        for (long n = 0; n < 50_000; n++) {
            assertThat(seen.add(NationalIds.nth(n))).isTrue();
        }
    }
}
