package tw.tongbao.bench.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import tw.tongbao.bench.AgencyCodes;
import tw.tongbao.bench.load.SignIn;
import tw.tongbao.bench.sink.Arrivals;
import tw.tongbao.bench.sink.DropFolderSink;
import tw.tongbao.bench.sink.HttpAgencySink;

/**
 * Tongbao on one machine for the benchmark: its own two databases and vhost, the reference registry pointed at
 * in-process agency sinks, and the packaged gateway and adapters as processes.
 */
public final class BenchSystem implements AutoCloseable {

    /**
     * How to run it.
     *
     * @param gatewayJar the packaged gateway
     * @param adaptersJar the packaged adapters
     * @param jvm how both are run
     * @param referenceLimits keep the registry's own limits
     * @param agencyConcurrency maxConcurrentCalls of every agency otherwise
     * @param batchInterval batchInterval of the batch-csv agencies otherwise
     * @param gatewayArgs extra gateway arguments
     * @param adaptersArgs extra adapters arguments
     */
    public record Settings(
            Path gatewayJar,
            Path adaptersJar,
            ServiceJvm jvm,
            boolean referenceLimits,
            int agencyConcurrency,
            String batchInterval,
            List<String> gatewayArgs,
            List<String> adaptersArgs) {}

    private final String id = Long.toString(System.currentTimeMillis(), 36);
    private final String gatewayDb = "bench_gw_" + id;
    private final String adaptersDb = "bench_ad_" + id;
    private final String vhost = "bench-" + id;
    private final Path directory;
    private final BenchRegistry registry = BenchRegistry.reference();
    private final AgencyCodes codes = new AgencyCodes(registry.codes());
    private final Arrivals arrivals = new Arrivals(codes.size());
    private final List<AutoCloseable> sinks = new ArrayList<>();
    private SignIn signIn;
    private AppProcess gateway;
    private AppProcess adapters;
    private boolean keep;
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * Stops the applications and drops what the run made when the benchmark is interrupted (Ctrl-C, SIGTERM): they are
     * separate processes, and left running they went on polling the broker and the database and took CPU from every
     * later run on the machine.
     */
    private final Thread onExit = new Thread(this::close, "bench-cleanup");

    private BenchSystem(Path work) {
        this.directory = createDirectories(work.resolve("run-" + id));
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    /** Creates the databases, vhost and sinks, writes the registry and starts adapters, then gateway. */
    public static BenchSystem start(Settings settings, Path work) {
        BenchSystem system = new BenchSystem(work);
        try {
            system.startAll(settings);
        } catch (RuntimeException e) {
            system.close();
            throw e;
        }
        return system;
    }

    private void startAll(Settings settings) {
        Databases.create(gatewayDb);
        Databases.create(adaptersDb);
        RabbitManagement.createVhost(vhost);
        Path drop = createDirectories(directory.resolve("drop"));
        Map<String, Integer> batchAgencies = new LinkedHashMap<>();
        Map<String, Charset> charsets = new LinkedHashMap<>();
        for (String code : codes.codes()) {
            String protocol = registry.get(code, "protocol");
            if (!settings.referenceLimits()) {
                registry.set(code, "rateLimitPerSecond", 100_000);
                registry.set(code, "maxConcurrentCalls", settings.agencyConcurrency());
            }
            if ("batch-csv".equals(protocol)) {
                batchAgencies.put(code, codes.indexOf(code));
                String charset = registry.get(code, "charset");
                charsets.put(code, Charset.forName(charset == null ? "UTF-8" : charset));
                if (!settings.referenceLimits()) {
                    registry.set(code, "batchInterval", settings.batchInterval());
                }
            } else {
                HttpAgencySink sink = HttpAgencySink.start(
                        codes.indexOf(code), "soap-xml".equals(protocol), registry.get(code, "secret"), arrivals);
                sinks.add(sink);
                registry.set(code, "endpoint", sink.endpoint());
            }
        }
        sinks.add(new DropFolderSink(drop, batchAgencies, charsets, arrivals).start());
        Path registryFile = registry.writeTo(directory.resolve("registry.yml"));
        Map<String, String> environment = new LinkedHashMap<>(ServiceJvm.ENVIRONMENT);
        environment.put("TONGBAO_REGISTRY", registryFile.toAbsolutePath().toString());

        List<String> adapterArgs = new ArrayList<>(common(adaptersDb));
        adapterArgs.add("--tongbao.adapters.batch-csv.drop-directory=" + drop.toAbsolutePath());
        adapterArgs.addAll(settings.adaptersArgs());
        adapters = AppProcess.start(
                "adapters",
                settings.adaptersJar(),
                freePort(),
                jvmFlags(settings, "adapters"),
                adapterArgs,
                environment,
                directory.resolve("adapters.log"));
        List<String> gatewayArgs = new ArrayList<>(common(gatewayDb));
        gatewayArgs.addAll(settings.gatewayArgs());
        signIn = SignIn.create(directory.resolve("signin-public.pem"));
        Map<String, String> gatewayEnvironment = new LinkedHashMap<>(environment);
        gatewayEnvironment.put(
                "TONGBAO_JWT_PUBLIC_KEY", "file:" + signIn.publicKeyPem().toAbsolutePath());
        gateway = AppProcess.start(
                "gateway",
                settings.gatewayJar(),
                freePort(),
                jvmFlags(settings, "gateway"),
                gatewayArgs,
                gatewayEnvironment,
                directory.resolve("gateway.log"));
    }

    private List<String> jvmFlags(Settings settings, String name) {
        return settings.jvm().flags(directory.resolve(name + ".jfr"));
    }

    private List<String> common(String database) {
        return List.of(
                "--spring.datasource.url=" + Databases.url(database),
                "--spring.datasource.username=" + Databases.user(),
                "--spring.datasource.password=",
                "--spring.rabbitmq.host=127.0.0.1",
                "--spring.rabbitmq.port=5672",
                "--spring.rabbitmq.virtual-host=" + vhost,
                "--spring.rabbitmq.username=guest",
                "--spring.rabbitmq.password=guest");
    }

    /** The agencies in registry order. */
    public AgencyCodes codes() {
        return codes;
    }

    /** The sign-in service whose tokens the gateway trusts. */
    public SignIn signIn() {
        return signIn;
    }

    /** What the sinks received. */
    public Arrivals arrivals() {
        return arrivals;
    }

    /** The gateway process. */
    public AppProcess gateway() {
        return gateway;
    }

    /** The adapters process. */
    public AppProcess adapters() {
        return adapters;
    }

    /** Pauses (true) or resumes every agency through the adapters' {@code agency_state} table. */
    public void pauseAgencies(boolean paused) {
        Databases.setPaused(adaptersDb, codes.codes(), paused);
    }

    /** Messages waiting in the agency queues on the broker. */
    public long brokerBacklog() {
        return RabbitManagement.messages(vhost, "tongbao.agency.");
    }

    /** Rows in the adapters' inbox still open (not yet delivered or settled). */
    public long adaptersOpenDeliveries() {
        return Databases.count(
                adaptersDb, "SELECT count(*) FROM adapter_delivery WHERE status IN ('PENDING', 'RETRYING')");
    }

    /** Where logs, registry, drop folder and flight recordings of this run are. */
    public Path directory() {
        return directory;
    }

    /** Keeps the databases and vhost when closing. */
    public void keep() {
        keep = true;
    }

    /** Stops the applications (gracefully: flight recordings are written) and the sinks; drops DBs and vhost. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != onExit) {
            quietly(() -> Runtime.getRuntime().removeShutdownHook(onExit));
        }
        if (gateway != null) {
            gateway.close();
        }
        if (adapters != null) {
            adapters.close();
        }
        for (AutoCloseable sink : sinks) {
            try {
                sink.close();
            } catch (Exception e) {
                System.err.println("closing a sink: " + e);
            }
        }
        if (!keep) {
            quietly(() -> RabbitManagement.deleteVhost(vhost));
            quietly(() -> Databases.drop(gatewayDb));
            quietly(() -> Databases.drop(adaptersDb));
        }
    }

    private static void quietly(Runnable cleanup) {
        try {
            cleanup.run();
        } catch (RuntimeException e) {
            System.err.println("cleanup: " + e.getMessage());
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createDirectories(Path path) {
        try {
            return Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
