package tw.tongbao.simulator.stats;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.simulator.SimulatorProperties;

/** Serves {@code GET /stats} (counts per agency) and {@code GET /health} on the stats port. */
@Component
public class StatsServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StatsServer.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DeliveryStats stats;
    private final SimulatorProperties properties;
    private volatile HttpServer server;

    public StatsServer(DeliveryStats stats, SimulatorProperties properties) {
        this.stats = stats;
        this.properties = properties;
    }

    @Override
    public void start() {
        try {
            server = HttpServer.create(new InetSocketAddress(properties.bindAddress(), properties.statsPort()), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on stats port " + properties.statsPort(), e);
        }
        server.createContext("/stats", exchange -> answer(exchange, "/stats", stats.snapshot()));
        server.createContext("/health", exchange -> answer(exchange, "/health", Map.of("status", "UP")));
        server.start();
        log.info("Simulator stats on http://{}:{}/stats", properties.bindAddress(), port());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** The port actually listened on (useful when configured as 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange, String path, Object body) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                send(exchange, 404, "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8));
            } else if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                send(exchange, 405, "{\"error\":\"use GET\"}".getBytes(StandardCharsets.UTF_8));
            } else {
                send(exchange, 200, JSON.writeValueAsBytes(body));
            }
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
