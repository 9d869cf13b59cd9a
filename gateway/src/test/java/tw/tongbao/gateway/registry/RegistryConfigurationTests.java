package tw.tongbao.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.io.ClassPathResource;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyCode;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.agency.Basis;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.core.change.ChangeType;

class RegistryConfigurationTests {

    @Test
    void bindsTheReferenceRegistry() throws IOException {
        MutablePropertySources sources = new MutablePropertySources();
        new YamlPropertySourceLoader()
                .load("registry", new ClassPathResource("tongbao/registry.yml"))
                .forEach(sources::addLast);

        AgencyRegistry registry = RegistryConfiguration.load(binder(sources));

        assertThat(registry.all()).extracting(a -> a.code().value()).contains("NTA", "NHIA", "TPC");
        Agency nta = registry.get(new AgencyCode("NTA"));
        assertThat(nta.protocol()).isEqualTo(Protocol.REST_JSON);
        assertThat(nta.basis()).isEqualTo(Basis.LAW);
        assertThat(nta.displayName("zh-TW")).isEqualTo("財政部國稅局");
        assertThat(nta.displayName("en")).isEqualTo("National Taxation Bureau");
        assertThat(nta.subscribesTo(ChangeType.ADDRESS_CHANGE)).isTrue();
        assertThat(registry.get(new AgencyCode("TPC")).basis()).isEqualTo(Basis.CONSENT);
    }

    @Test
    void refusesAnEmptyRegistry() {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addLast(new MapPropertySource("empty", Map.of()));

        assertThatThrownBy(() -> RegistryConfiguration.load(binder(sources)))
                .isInstanceOf(InvalidAgencyRegistry.class)
                .hasMessageContaining("no agencies are declared under tongbao.agencies");
    }

    @Test
    void refusesAnAgencyWithoutItsEndpoint() {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addLast(new MapPropertySource(
                "broken",
                Map.of(
                        "tongbao.agencies[0].code", "NTA",
                        "tongbao.agencies[0].protocol", "rest-json",
                        "tongbao.agencies[0].secret", "whsec_Vw/V3wSWTIKTJeWT7ZNaEtgGbVIfxEs9NYz65il/v78=",
                        "tongbao.agencies[0].basis", "LAW")));

        assertThatThrownBy(() -> RegistryConfiguration.load(binder(sources)))
                .isInstanceOf(InvalidAgencyRegistry.class)
                .hasMessageContaining("has no endpoint");
    }

    @Test
    void refusesAnUnknownProtocol() {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addLast(new MapPropertySource(
                "broken",
                Map.of(
                        "tongbao.agencies[0].code", "CEC",
                        "tongbao.agencies[0].protocol", "carrier-pigeon",
                        "tongbao.agencies[0].basis", "LAW")));

        assertThatThrownBy(() -> RegistryConfiguration.load(binder(sources)))
                .isInstanceOf(InvalidAgencyRegistry.class)
                .hasMessageContaining("protocol");
    }

    private static Binder binder(MutablePropertySources sources) {
        return new Binder(ConfigurationPropertySources.from(sources), new PropertySourcesPlaceholdersResolver(sources));
    }
}
