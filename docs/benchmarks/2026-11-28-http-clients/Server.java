import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

/** A local agency that reads each POST and answers 200 with no body, as the benchmark's sinks do. */
public class Server {

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 18080), 256);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/n", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }
}
