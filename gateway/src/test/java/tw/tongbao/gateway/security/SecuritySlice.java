package tw.tongbao.gateway.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The gateway's web security without its database and broker: the security and demo features plus tiny probe
 * endpoints standing in for the citizen, operator and acknowledgement APIs.
 *
 * <p>Deliberately not a {@code @Configuration} (the gateway's own component scan would pick it up in other tests);
 * its probes are nested in a {@code @TestConfiguration}, which component scans skip.
 */
@EnableAutoConfiguration
@ConfigurationPropertiesScan("tw.tongbao.gateway.security")
@ComponentScan("tw.tongbao.gateway.demo")
@Import({
    SecurityConfiguration.class,
    SecurityWebConfiguration.class,
    SecurityProblems.class,
    PseudonymConfiguration.class,
    SecuritySlice.Probes.class
})
public class SecuritySlice {

    /** Without the database, the broker and Flyway: this slice never touches them. */
    public static final String NO_SERVICES = "spring.autoconfigure.exclude="
            + "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
            + "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration,"
            + "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Sends a request to the slice's server. */
    public static HttpResponse<String> send(int port, String method, String path, String authorization) {
        return send(port, method, path, authorization, null, null);
    }

    /** Sends a request with a body to the slice's server. */
    public static HttpResponse<String> send(
            int port, String method, String path, String authorization, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The clock the demo issuer reads, and the probe endpoints. */
    @TestConfiguration(proxyBeanMethods = false)
    @Import(Probes.Probe.class)
    static class Probes {

        @Bean
        Clock clock() {
            return Clock.systemUTC();
        }

        /** Stands in for the real APIs: tells who the filer is, and answers the operator paths. */
        @RestController
        static class Probe {

            @GetMapping("/api/v1/changes")
            Map<String, String> filer(Filer filer) {
                Map<String, String> answer = new LinkedHashMap<>();
                answer.put("id", filer.id().value());
                answer.put("name", filer.name());
                return answer;
            }

            @GetMapping("/api/v1/ops/agencies")
            String agencies() {
                return "agencies";
            }

            @PostMapping("/api/v1/ops/agencies/{code}/pause")
            String pause(@PathVariable String code) {
                return "paused " + code;
            }

            @PostMapping("/api/v1/agency/acknowledgements")
            String acknowledge() {
                return "acknowledged";
            }
        }
    }
}
