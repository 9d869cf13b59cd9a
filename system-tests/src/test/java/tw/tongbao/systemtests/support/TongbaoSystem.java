package tw.tongbao.systemtests.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import tw.tongbao.core.testing.TcpProxy;
import tw.tongbao.core.testing.TestDatabase;
import tw.tongbao.core.testing.TestVhost;

/**
 * Tongbao as it runs: the packaged gateway and adapters as processes, each on its own fresh database, one fresh
 * vhost on the real broker, and WireMock servers standing in for the agencies' HTTP systems.
 */
public final class TongbaoSystem implements AutoCloseable {

    private static final Path WORK = Path.of(System.getProperty("tongbao.system-tests.work", "target/system-tests"));

    private final TestVhost vhost;
    private final TestDatabase gatewayDatabase;
    private final TestDatabase adaptersDatabase;
    private final TestRegistry registry;
    private final Map<String, WireMockServer> agencies = new LinkedHashMap<>();
    private final Path directory;
    private final Path dropDirectory;
    private final TcpProxy gatewayBroker;
    private final TcpProxy adaptersBroker;
    private final AppProcess gateway;
    private final AppProcess adapters;
    private final SignInIssuer signIn = new SignInIssuer();
    private final boolean demoSignIn;

    private TongbaoSystem(Builder builder) {
        directory = createDirectory(
                WORK.resolve(builder.name + "-" + UUID.randomUUID().toString().substring(0, 8)));
        dropDirectory = createDirectory(directory.resolve("drop"));
        vhost = TestVhost.create(builder.name);
        gatewayDatabase = TestDatabase.create("gw");
        adaptersDatabase = TestDatabase.create("ad");
        registry = TestRegistry.of(builder.agencies);
        for (String code : builder.agencies) {
            if (!"batch-csv".equals(registry.protocol(code))) {
                WireMockServer server =
                        new WireMockServer(wireMockConfig().dynamicPort().http2PlainDisabled(true));
                server.start();
                server.stubFor(post(urlEqualTo("/notifications"))
                        .willReturn(aResponse().withStatus(200)));
                agencies.put(code, server);
                registry.set(code, "endpoint", "http://127.0.0.1:" + server.port() + "/notifications");
            }
        }
        if (builder.retrySchedule != null) {
            registry.setAll("retrySchedule", builder.retrySchedule);
        }
        builder.registryCustomizer.accept(registry);
        Path registryFile = registry.writeTo(directory.resolve("registry.yml"));
        Map<String, String> environment = Map.of("TONGBAO_REGISTRY", registryFile.toString());

        gatewayBroker = TcpProxy.start(vhost.host(), vhost.port());
        adaptersBroker = TcpProxy.start(vhost.host(), vhost.port());
        List<String> gatewayArguments = new ArrayList<>(common(gatewayDatabase, gatewayBroker.port()));
        Path signInKey = signIn.writePublicKey(directory.resolve("sign-in-public.pem"));
        gatewayArguments.add(
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:" + signInKey.toAbsolutePath());
        demoSignIn = builder.demoSignIn;
        if (demoSignIn) {
            // The demo profile replaces the trusted key with the gateway's own issuer; the key setting stays harmless.
            gatewayArguments.add("--spring.profiles.active=demo");
        }
        gatewayArguments.addAll(builder.gatewayArguments);
        gateway = new AppProcess(
                "gateway",
                Path.of(System.getProperty("tongbao.gateway.jar")),
                Ports.free(),
                gatewayArguments,
                environment,
                directory.resolve("gateway.log"));
        List<String> adaptersArguments = new ArrayList<>(common(adaptersDatabase, adaptersBroker.port()));
        adaptersArguments.add("--tongbao.adapters.batch-csv.drop-directory=" + dropDirectory);
        adaptersArguments.addAll(builder.adaptersArguments);
        adapters = new AppProcess(
                "adapters",
                Path.of(System.getProperty("tongbao.adapters.jar")),
                Ports.free(),
                adaptersArguments,
                environment,
                directory.resolve("adapters.log"));
    }

    /** Starts describing a system with the given agencies of the reference registry. */
    public static Builder withAgencies(String... codes) {
        return new Builder(codes);
    }

    private List<String> common(TestDatabase database, int brokerPort) {
        return List.of(
                "--spring.datasource.url=" + database.jdbcUrl(),
                "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password(),
                "--spring.rabbitmq.host=127.0.0.1",
                "--spring.rabbitmq.port=" + brokerPort,
                "--spring.rabbitmq.virtual-host=" + vhost.name(),
                "--spring.rabbitmq.username=" + vhost.username(),
                "--spring.rabbitmq.password=" + vhost.password());
    }

    /** The gateway process. */
    public AppProcess gateway() {
        return gateway;
    }

    /** The adapters process. */
    public AppProcess adapters() {
        return adapters;
    }

    /** The WireMock server standing in for an HTTP agency. */
    public WireMockServer agency(String code) {
        return agencies.get(code);
    }

    /** The registry the processes run with (secrets included). */
    public TestRegistry registry() {
        return registry;
    }

    /** The proxy between the gateway and the broker. */
    public TcpProxy gatewayBroker() {
        return gatewayBroker;
    }

    /** The proxy between the adapters and the broker. */
    public TcpProxy adaptersBroker() {
        return adaptersBroker;
    }

    /** Where batch-csv agencies' files are dropped. */
    public Path dropDirectory() {
        return dropDirectory;
    }

    /** The gateway's database. */
    public TestDatabase gatewayDatabase() {
        return gatewayDatabase;
    }

    /** The adapters' database. */
    public TestDatabase adaptersDatabase() {
        return adaptersDatabase;
    }

    /** The vhost the system runs in. */
    public TestVhost vhost() {
        return vhost;
    }

    /**
     * A citizen signed in at the gateway, with a token from the run's own sign-in key, which the gateway trusts (or,
     * with {@link Builder#demoSignIn()}, from the gateway's demo issuer, the only one it then trusts).
     */
    public Citizen citizen(String nationalId, String name) {
        TokenSource tokens = demoSignIn ? new DemoSignIn(gateway.baseUri()) : signIn;
        return new Citizen(gateway.baseUri(), nationalId, name, tokens);
    }

    @Override
    public void close() {
        gateway.kill();
        adapters.kill();
        gatewayBroker.close();
        adaptersBroker.close();
        agencies.values().forEach(WireMockServer::stop);
        vhost.close();
        gatewayDatabase.close();
        adaptersDatabase.close();
    }

    private static Path createDirectory(Path path) {
        try {
            return Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How to build a {@link TongbaoSystem}. */
    public static final class Builder {
        private final Set<String> agencies;
        private String name = "system";
        private List<String> retrySchedule;
        private final List<String> gatewayArguments = new ArrayList<>();
        private final List<String> adaptersArguments = new ArrayList<>();
        private Consumer<TestRegistry> registryCustomizer = registry -> {};
        private boolean demoSignIn;

        private Builder(String... codes) {
            this.agencies = new LinkedHashSet<>(List.of(codes));
        }

        /** Names the run (directories, vhost). */
        public Builder named(String name) {
            this.name = name;
            return this;
        }

        /** Every agency's retry schedule, e.g. {@code "0s", "200ms", "500ms"}. */
        public Builder retrySchedule(String... waits) {
            this.retrySchedule = List.of(waits);
            return this;
        }

        /** Adjusts the test registry before it is written. */
        public Builder registry(Consumer<TestRegistry> customizer) {
            this.registryCustomizer = customizer;
            return this;
        }

        /** Extra command-line arguments for the gateway. */
        public Builder gatewayArgument(String argument) {
            gatewayArguments.add(argument);
            return this;
        }

        /** Runs the gateway in the {@code demo} profile: its own token issuer and the sign-in page {@code /demo/sign-in.html}. */
        public Builder demoSignIn() {
            this.demoSignIn = true;
            return this;
        }

        /** Extra command-line arguments for the adapters. */
        public Builder adaptersArgument(String argument) {
            adaptersArguments.add(argument);
            return this;
        }

        /** Builds the system and starts both processes (adapters first). */
        public TongbaoSystem start() {
            TongbaoSystem system = new TongbaoSystem(this);
            try {
                system.adapters.start();
                system.gateway.start();
            } catch (RuntimeException e) {
                system.close();
                throw e;
            }
            return system;
        }
    }
}
