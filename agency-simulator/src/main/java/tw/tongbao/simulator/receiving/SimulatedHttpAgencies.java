package tw.tongbao.simulator.receiving;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.simulator.SimulatorProperties;
import tw.tongbao.simulator.stats.DeliveryStats;

/** Listens for every rest-json and soap-xml agency of the registry, on the port and path of its endpoint. */
@Component
public class SimulatedHttpAgencies implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SimulatedHttpAgencies.class);

    private final AgencyRegistry registry;
    private final DeliveryStats stats;
    private final SimulatorProperties properties;
    private final FaultInjection faults;
    private final Clock clock;
    private final List<HttpServer> servers = new ArrayList<>();
    private ExecutorService workers;

    public SimulatedHttpAgencies(
            AgencyRegistry registry, DeliveryStats stats, SimulatorProperties properties, Clock clock) {
        this.registry = registry;
        this.stats = stats;
        this.properties = properties;
        this.faults = new FaultInjection(properties);
        this.clock = clock;
    }

    @Override
    public synchronized void start() {
        workers = Executors.newCachedThreadPool();
        Map<Integer, HttpServer> byPort = new LinkedHashMap<>();
        for (Agency agency : registry.all()) {
            if (agency.protocol() == Protocol.BATCH_CSV) {
                continue;
            }
            int port = portOf(agency);
            HttpServer server = byPort.computeIfAbsent(port, this::listen);
            String path = AgencyEndpoint.pathOf(agency);
            server.createContext(path, new AgencyEndpoint(agency, stats.of(agency.code()), faults, clock));
            log.info(
                    "{} ({}) listening on http://{}:{}{}",
                    agency.code(),
                    agency.protocol().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                    properties.bindAddress(),
                    port,
                    path);
        }
        byPort.values().forEach(HttpServer::start);
    }

    @Override
    public synchronized void stop() {
        servers.forEach(server -> server.stop(0));
        servers.clear();
        if (workers != null) {
            workers.shutdownNow();
            workers = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return workers != null;
    }

    private HttpServer listen(int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(properties.bindAddress(), port), 0);
            server.setExecutor(workers);
            servers.add(server);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + properties.bindAddress() + ":" + port, e);
        }
    }

    private static int portOf(Agency agency) {
        int port = agency.endpoint().getPort();
        return port != -1 ? port : "https".equals(agency.endpoint().getScheme()) ? 443 : 80;
    }
}
