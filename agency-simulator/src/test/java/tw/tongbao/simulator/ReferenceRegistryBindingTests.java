package tw.tongbao.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.change.ChangeType;

/** The reference registry binds with Spring's {@link Binder} exactly as the applications bind it. */
class ReferenceRegistryBindingTests {

    @Test
    void bindsTheEightReferenceAgencies() throws Exception {
        AgencyRegistry registry = new AgencyRegistry(bind(new StandardEnvironment()));

        assertThat(registry.all())
                .extracting(agency -> agency.code().value())
                .containsExactly("NTA", "NHIA", "MVDIS", "BLI", "CEC", "TPC", "TWC", "POST");
        Agency mvdis = registry.get(new AgencyCode("MVDIS"));
        assertThat(mvdis.protocol()).isEqualTo(Protocol.SOAP_XML);
        assertThat(mvdis.endpoint()).isEqualTo(URI.create("http://localhost:9103/notifications"));
        assertThat(mvdis.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(mvdis.subscribes())
                .containsExactlyInAnyOrder(ChangeType.ADDRESS_CHANGE, ChangeType.NAME_CHANGE, ChangeType.DEATH_REPORT);
        assertThat(mvdis.displayName("zh-TW")).isEqualTo("交通部公路局 監理服務");
        assertThat(registry.get(new AgencyCode("TWC")).charset()).isEqualTo("Big5");
        assertThat(registry.get(new AgencyCode("TWC")).batchInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void takesHostAndSecretsFromTheEnvironment() throws Exception {
        StandardEnvironment environment = new StandardEnvironment();
        environment
                .getPropertySources()
                .addFirst(new MapPropertySource(
                        "deployment",
                        Map.of("TONGBAO_AGENCY_HOST", "agency-simulator", "NTA_SECRET", "whsec_" + "A".repeat(44))));

        Agency nta = new AgencyRegistry(bind(environment)).get(new AgencyCode("NTA"));

        assertThat(nta.endpoint()).isEqualTo(URI.create("http://agency-simulator:9101/notifications"));
        assertThat(nta.secret()).isEqualTo("whsec_" + "A".repeat(44));
    }

    private static List<Agency> bind(StandardEnvironment environment) throws Exception {
        for (PropertySource<?> source :
                new YamlPropertySourceLoader().load("registry", new ClassPathResource("tongbao/registry.yml"))) {
            environment.getPropertySources().addLast(source);
        }
        return Binder.get(environment)
                .bind("tongbao.agencies", Bindable.listOf(Agency.class))
                .get();
    }
}
