package tw.tongbao.gateway.security;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Maps {@code TONGBAO_JWT_PUBLIC_KEY} (a file path, as operators write it) to
 * {@code spring.security.oauth2.resourceserver.jwt.public-key-location} (a Spring resource location, which would
 * read a bare path from the class path); any explicit setting of that property wins.
 */
class PublicKeyFileEnvironment implements EnvironmentPostProcessor {

    static final String VARIABLE = "TONGBAO_JWT_PUBLIC_KEY";
    static final String PROPERTY = "spring.security.oauth2.resourceserver.jwt.public-key-location";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String path = environment.getProperty(VARIABLE);
        if (path == null || path.isBlank()) {
            return;
        }
        environment
                .getPropertySources()
                .addLast(new MapPropertySource("tongbaoJwtPublicKey", Map.of(PROPERTY, location(path.strip()))));
    }

    /** A Spring resource location for what the variable holds: a path, or already a {@code file:}/{@code classpath:} location. */
    static String location(String value) {
        if (value.startsWith("file:") || value.startsWith("classpath:")) {
            return value;
        }
        return "file:" + Path.of(value).toAbsolutePath();
    }
}
