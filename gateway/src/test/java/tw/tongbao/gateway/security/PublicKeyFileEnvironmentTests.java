package tw.tongbao.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.mock.env.MockEnvironment;

class PublicKeyFileEnvironmentTests {

    private final PublicKeyFileEnvironment mapping = new PublicKeyFileEnvironment();

    @Test
    void mapsAPathToAFileLocation() {
        MockEnvironment environment = new MockEnvironment().withProperty("TONGBAO_JWT_PUBLIC_KEY", "keys/signin.pem");

        mapping.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty(PublicKeyFileEnvironment.PROPERTY))
                .isEqualTo("file:" + Path.of("keys/signin.pem").toAbsolutePath());
    }

    @Test
    void keepsALocationAndLetsAnExplicitPropertyWin() {
        assertThat(PublicKeyFileEnvironment.location("classpath:k.pem")).isEqualTo("classpath:k.pem");
        MockEnvironment environment = new MockEnvironment().withProperty("TONGBAO_JWT_PUBLIC_KEY", "/etc/k.pem");
        environment
                .getPropertySources()
                .addFirst(new MapPropertySource(
                        "explicit", Map.of(PublicKeyFileEnvironment.PROPERTY, "file:/etc/explicit.pem")));

        mapping.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty(PublicKeyFileEnvironment.PROPERTY)).isEqualTo("file:/etc/explicit.pem");
    }

    @Test
    void setsNothingWithoutTheVariable() {
        MockEnvironment environment = new MockEnvironment();

        mapping.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty(PublicKeyFileEnvironment.PROPERTY)).isNull();
    }
}
