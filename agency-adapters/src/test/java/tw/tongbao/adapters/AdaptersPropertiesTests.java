package tw.tongbao.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class AdaptersPropertiesTests {

    @Test
    void vacuumsTheReportOutboxAfterTenThousandDeletedRowsUnlessToldOtherwise() {
        assertThat(AdaptersProperties.defaults().relayVacuumAfter()).isEqualTo(10_000);
        assertThat(bind("500").relayVacuumAfter()).isEqualTo(500);
        assertThat(bind("0").relayVacuumAfter()).isZero();
    }

    @Test
    void refusesANegativeVacuumThreshold() {
        assertThatThrownBy(() -> bind("-1"))
                .isInstanceOf(BindException.class)
                .rootCause()
                .hasMessageContaining("tongbao.adapters.relay-vacuum-after must be 0 (never) or more, was -1");
    }

    private static AdaptersProperties bind(String relayVacuumAfter) {
        var source = new MapConfigurationPropertySource();
        source.put("tongbao.adapters.relay-vacuum-after", relayVacuumAfter);
        return new Binder(source).bindOrCreate("tongbao.adapters", AdaptersProperties.class);
    }
}
