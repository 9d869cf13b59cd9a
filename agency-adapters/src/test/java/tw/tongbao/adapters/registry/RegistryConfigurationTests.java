package tw.tongbao.adapters.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.change.ChangeType;

class RegistryConfigurationTests {

    @Test
    void bindsAgenciesWithTheirRelaxedProtocolNamesAndDefaults() {
        Map<String, String> properties = agency(0, "NTA");
        properties.put("tongbao.agencies[0].retry-schedule", "0s,200ms,500ms");

        AgencyRegistry registry = RegistryConfiguration.load(binder(properties));

        Agency nta = registry.get(new AgencyCode("NTA"));
        assertThat(nta.protocol()).isEqualTo(Protocol.REST_JSON);
        assertThat(nta.subscribes()).containsExactlyInAnyOrder(ChangeType.ADDRESS_CHANGE, ChangeType.NAME_CHANGE);
        assertThat(nta.displayName("en")).isEqualTo("National Taxation Bureau");
        assertThat(nta.retrySchedule()).containsExactly(Duration.ZERO, Duration.ofMillis(200), Duration.ofMillis(500));
        assertThat(nta.maxConcurrentCalls()).isEqualTo(8);
        assertThat(nta.timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void refusesAnEmptyRegistry() {
        assertThatThrownBy(() -> RegistryConfiguration.load(binder(new HashMap<>())))
                .isInstanceOf(InvalidAgencyRegistry.class)
                .hasMessageContaining("no agencies");
    }

    @Test
    void refusesAnAgencyWithoutEndpointNamingIt() {
        Map<String, String> properties = agency(0, "NTA");
        properties.remove("tongbao.agencies[0].endpoint");

        assertThatThrownBy(() -> RegistryConfiguration.load(binder(properties)))
                .isInstanceOf(InvalidAgencyRegistry.class)
                .hasMessageContaining("NTA")
                .hasMessageContaining("no endpoint");
    }

    @Test
    void refusesAnUnknownProtocol() {
        Map<String, String> properties = agency(0, "NTA");
        properties.put("tongbao.agencies[0].protocol", "carrier-pigeon");

        assertThatThrownBy(() -> RegistryConfiguration.load(binder(properties)))
                .isInstanceOf(InvalidAgencyRegistry.class)
                .hasMessageContaining("protocol");
    }

    @Test
    void refusesAnAgencyDeclaredTwice() {
        Map<String, String> properties = agency(0, "NTA");
        properties.putAll(agency(1, "NTA"));

        assertThatThrownBy(() -> RegistryConfiguration.load(binder(properties)))
                .isInstanceOf(InvalidAgencyRegistry.class)
                .hasMessageContaining("declared twice");
    }

    private static Binder binder(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties));
    }

    private static Map<String, String> agency(int index, String code) {
        String prefix = "tongbao.agencies[" + index + "].";
        Map<String, String> properties = new HashMap<>();
        properties.put(prefix + "code", code);
        properties.put(prefix + "name.zh-TW", "財政部國稅局");
        properties.put(prefix + "name.en", "National Taxation Bureau");
        properties.put(prefix + "protocol", "rest-json");
        properties.put(prefix + "endpoint", "http://localhost:9101/notifications");
        properties.put(prefix + "secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        properties.put(prefix + "basis", "LAW");
        properties.put(prefix + "subscribes", "ADDRESS_CHANGE,NAME_CHANGE");
        properties.put(prefix + "fields", "subjectId,name,address");
        return properties;
    }
}
