package tw.tongbao.gateway.health;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tw.tongbao.gateway.security.OpenPaths;

/**
 * {@code /actuator/prometheus} is reachable without a token on the application port: the series carry counts and
 * agency codes only, never a citizen's data, and scrapers rarely hold sign-in tokens. Deployments that want it
 * private restrict the path at the network edge (see docs/architecture.md, "Operating the gateway").
 */
@Configuration(proxyBeanMethods = false)
class MetricsEndpoint {

    @Bean
    OpenPaths prometheusPath() {
        return OpenPaths.of("/actuator/prometheus");
    }
}
