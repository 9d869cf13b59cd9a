package tw.tongbao.gateway.operator;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tw.tongbao.gateway.security.OpenPaths;

/**
 * The operator console's static page ({@code static/ops/}): the page itself is open, every call it makes to
 * {@code /api/v1/ops/**} carries the operator's bearer token.
 */
@Configuration(proxyBeanMethods = false)
class OpsConsole implements WebMvcConfigurer {

    @Bean
    OpenPaths opsConsolePaths() {
        return OpenPaths.of("/ops", "/ops/", "/ops/index.html", "/ops/*.js", "/ops/*.css");
    }

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/ops", "/ops/index.html");
        registry.addRedirectViewController("/ops/", "/ops/index.html");
    }
}
