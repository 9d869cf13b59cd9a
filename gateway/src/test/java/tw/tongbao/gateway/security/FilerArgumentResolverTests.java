package tw.tongbao.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FilerArgumentResolverTests {

    @Test
    void readsTheIdAndTheUrlEncodedName() {
        Filer filer = FilerArgumentResolver.resolve("A123456789", "%E7%8E%8B%E5%B0%8F%E6%98%8E");

        assertThat(filer.id().value()).isEqualTo("A123456789");
        assertThat(filer.name()).isEqualTo("王小明");
    }

    @Test
    void allowsAMissingName() {
        assertThat(FilerArgumentResolver.resolve("A123456789", null).name()).isNull();
    }

    @Test
    void refusesAMissingId() {
        assertThatThrownBy(() -> FilerArgumentResolver.resolve(null, "x"))
                .isInstanceOf(FilerNotAuthenticated.class)
                .hasMessageContaining("X-Citizen-Id");
    }

    @Test
    void refusesAnIdWithABadChecksum() {
        assertThatThrownBy(() -> FilerArgumentResolver.resolve("A123456788", null))
                .isInstanceOf(FilerNotAuthenticated.class);
    }
}
