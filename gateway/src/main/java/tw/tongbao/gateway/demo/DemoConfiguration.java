package tw.tongbao.gateway.demo;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tw.tongbao.gateway.security.OpenPaths;

/**
 * The {@code demo} profile: the gateway trusts its own in-memory issuer and serves a sign-in page, so a newcomer can
 * try the citizen API without a sign-in service. Never active in production.
 */
@Profile(DemoConfiguration.PROFILE)
@Configuration(proxyBeanMethods = false)
class DemoConfiguration implements WebMvcConfigurer {

    static final String PROFILE = "demo";

    private static final Logger log = LoggerFactory.getLogger(DemoConfiguration.class);

    @Bean
    DemoIssuer demoIssuer(Clock clock) {
        log.warn("DEMO ISSUER ACTIVE: the gateway signs and trusts its own tokens for anyone who asks at /demo/token"
                + " (sign in at /demo/sign-in.html). For local trials only; never run the demo profile in production.");
        return new DemoIssuer(clock);
    }

    /** Replaces the JWK-set or public-key decoder: in the demo, only the demo issuer's tokens are trusted. */
    @Bean
    JwtDecoder demoJwtDecoder(DemoIssuer demoIssuer) {
        return demoIssuer.decoder();
    }

    @Bean
    OpenPaths demoOpenPaths() {
        return OpenPaths.of("/demo", "/demo/**");
    }

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        // Outside Boot's static locations, so the page does not exist without this profile.
        registry.addResourceHandler("/demo/**").addResourceLocations("classpath:/tongbao-demo/");
    }

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/demo", "/demo/sign-in.html");
    }
}
