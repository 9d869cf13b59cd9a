package tw.tongbao.core.pseudonym;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.change.NationalId;

class SubjectPseudonymsTests {

    private final SubjectPseudonyms pseudonyms =
            new SubjectPseudonyms("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    private final NationalId subject = new NationalId("A123456789");

    @Test
    void isStablePerAgencyAndDiffersBetweenAgencies() {
        String tpc = pseudonyms.subjectRef(new AgencyCode("TPC"), subject);

        assertThat(pseudonyms.subjectRef(new AgencyCode("TPC"), subject)).isEqualTo(tpc);
        assertThat(pseudonyms.subjectRef(new AgencyCode("POST"), subject)).isNotEqualTo(tpc);
        assertThat(tpc).hasSize(22).doesNotContain("A123456789");
    }

    @Test
    void dependsOnTheSystemKey() {
        SubjectPseudonyms other =
                new SubjectPseudonyms("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8));

        assertThat(other.subjectRef(new AgencyCode("TPC"), subject))
                .isNotEqualTo(pseudonyms.subjectRef(new AgencyCode("TPC"), subject));
        assertThatThrownBy(() -> new SubjectPseudonyms(new byte[16])).hasMessageContaining("32 bytes");
    }
}
