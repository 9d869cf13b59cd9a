import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.core5.http.impl.bootstrap.AsyncServerBootstrap;
import org.apache.hc.core5.http.impl.bootstrap.ServerBootstrap;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.nio.AsyncServerRequestHandler;
import org.apache.hc.core5.http.nio.entity.BasicAsyncEntityConsumer;
import org.apache.hc.core5.http.nio.support.AsyncResponseBuilder;
import org.apache.hc.core5.http.nio.support.BasicRequestConsumer;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.impl.bootstrap.HttpAsyncServer;
import org.apache.hc.core5.reactor.IOReactorConfig;

/**
 * A local agency on 127.0.0.1 (port {@code -Dport}, default 18080) reading each POST and answering 200 with no body, as
 * the benchmark's sinks do: {@code jdk} (the JDK's HttpServer, 64 pooled threads), {@code classic} (HttpCore 5's
 * blocking server, a thread a connection) or {@code async} (HttpCore 5's non-blocking server, one I/O thread). Prints
 * this process's CPU a request for every {@code count} requests.
 */
public class SinkServer {

    static final int PORT = Integer.getInteger("port", 18080);
    static final AtomicLong served = new AtomicLong();

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        long count = Long.parseLong(args[1]);
        switch (kind) {
            case "jdk" -> {
                com.sun.net.httpserver.HttpServer server =
                        com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", PORT), 256);
                server.setExecutor(Executors.newFixedThreadPool(64));
                server.createContext("/n", exchange -> {
                    try (exchange) {
                        exchange.getRequestBody().readAllBytes();
                        exchange.sendResponseHeaders(200, -1);
                        served.incrementAndGet();
                    }
                });
                server.start();
            }
            case "classic" -> {
                var server = ServerBootstrap.bootstrap().setCanonicalHostName("127.0.0.1")
                        .setLocalAddress(InetAddress.getLoopbackAddress())
                        .setListenerPort(PORT)
                        .register("/n", (request, response, context) -> {
                            EntityUtils.toByteArray(request.getEntity());
                            response.setCode(200);
                            served.incrementAndGet();
                        })
                        .create();
                server.start();
            }
            case "async" -> {
                HttpAsyncServer server = AsyncServerBootstrap.bootstrap().setCanonicalHostName("127.0.0.1")
                        .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(1).build())
                        .register("/n", new AsyncServerRequestHandler<Message<HttpRequest, byte[]>>() {
                            public org.apache.hc.core5.http.nio.AsyncRequestConsumer<Message<HttpRequest, byte[]>>
                                    prepare(HttpRequest request, org.apache.hc.core5.http.EntityDetails details,
                                            org.apache.hc.core5.http.protocol.HttpContext context) {
                                return new BasicRequestConsumer<>(details == null ? null : new BasicAsyncEntityConsumer());
                            }

                            public void handle(Message<HttpRequest, byte[]> message, ResponseTrigger trigger,
                                    org.apache.hc.core5.http.protocol.HttpContext context)
                                    throws org.apache.hc.core5.http.HttpException, IOException {
                                served.incrementAndGet();
                                trigger.submitResponse(AsyncResponseBuilder.create(200).build(), context);
                            }
                        })
                        .create();
                server.start();
                server.listen(new InetSocketAddress("127.0.0.1", PORT)).get();
            }
            default -> throw new IllegalArgumentException(kind);
        }
        long next = count;
        long cpu = cpuNanos();
        while (true) {
            TimeUnit.MILLISECONDS.sleep(5);
            if (served.get() >= next) {
                long now = cpuNanos();
                System.out.printf("%s server: %d served, CPU %.1f us/req%n", kind, next, (now - cpu) / 1e3 / count);
                cpu = now;
                next += count;
            }
        }
    }

    static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
