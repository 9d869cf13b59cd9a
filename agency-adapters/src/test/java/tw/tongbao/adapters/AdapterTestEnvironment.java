package tw.tongbao.adapters;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import tw.tongbao.core.testing.TestDatabase;
import tw.tongbao.core.testing.TestVhost;

/**
 * A fresh database, vhost and WireMock agency server for the adapters' integration tests, torn down once every test
 * class (and so every application context, which the classes dirty) is done.
 */
public final class AdapterTestEnvironment implements BeforeAllCallback {

    static final TestDatabase DATABASE = TestDatabase.create("adapters");
    static final TestVhost VHOST = TestVhost.create("adapters");
    static final WireMockServer AGENCIES = startAgencies();

    private static WireMockServer startAgencies() {
        WireMockServer server = new WireMockServer(WireMockConfiguration.wireMockConfig()
                .dynamicPort()
                .http2PlainDisabled(true)
                .containerThreads(40));
        server.start();
        return server;
    }

    /** Points the application at this environment and the test registry. */
    static void register(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DATABASE::jdbcUrl);
        registry.add("spring.datasource.username", DATABASE::username);
        registry.add("spring.datasource.password", DATABASE::password);
        registry.add("spring.rabbitmq.host", VHOST::host);
        registry.add("spring.rabbitmq.port", VHOST::port);
        registry.add("spring.rabbitmq.username", VHOST::username);
        registry.add("spring.rabbitmq.password", VHOST::password);
        registry.add("spring.rabbitmq.virtual-host", VHOST::name);
        registry.add("test.agencies.base-url", AGENCIES::baseUrl);
    }

    /** The same settings as {@link #register}, as command-line arguments of an application a test starts itself. */
    static String[] arguments() {
        return new String[] {
            "--spring.datasource.url=" + DATABASE.jdbcUrl(),
            "--spring.datasource.username=" + DATABASE.username(),
            "--spring.datasource.password=" + DATABASE.password(),
            "--spring.rabbitmq.host=" + VHOST.host(),
            "--spring.rabbitmq.port=" + VHOST.port(),
            "--spring.rabbitmq.username=" + VHOST.username(),
            "--spring.rabbitmq.password=" + VHOST.password(),
            "--spring.rabbitmq.virtual-host=" + VHOST.name(),
            "--test.agencies.base-url=" + AGENCIES.baseUrl()
        };
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(AdapterTestEnvironment.class.getName(), key -> (AutoCloseable) () -> {
                    AGENCIES.stop();
                    VHOST.close();
                    DATABASE.close();
                });
    }
}
