import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.reactor.IOReactorConfig;

/**
 * Posts {@code count} 1.2 KB bodies a round to 127.0.0.1 (port {@code -Dport}, default 18080), {@code -Dconc} in flight
 * (default 64), with the JDK's client ({@code jdk}) or Apache HttpClient 5's async client ({@code hc}, with {@code
 * ioThreads} I/O threads), and prints the rate and this process's CPU a request for each of eight rounds.
 */
public class Client {

    private static final URI TARGET = URI.create("http://127.0.0.1:" + System.getProperty("port", "18080") + "/n");

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int count = Integer.parseInt(args[1]);
        int inFlight = Integer.parseInt(System.getProperty("conc", "64"));
        byte[] body = new byte[1200];
        Arrays.fill(body, (byte) 'x');
        Semaphore slots = new Semaphore(inFlight);
        HttpClient jdk = kind.equals("jdk") ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build() : null;
        CloseableHttpAsyncClient hc = kind.equals("hc") ? apache(Integer.parseInt(args[2])) : null;
        for (int round = 0; round < 8; round++) {
            CountDownLatch done = new CountDownLatch(count);
            long cpuBefore = cpuNanos();
            long started = System.nanoTime();
            for (int i = 0; i < count; i++) {
                slots.acquire();
                Runnable finished = () -> {
                    slots.release();
                    done.countDown();
                };
                if (jdk != null) {
                    HttpRequest request = HttpRequest.newBuilder(TARGET)
                            .header("Content-Type", "application/json")
                            .header("webhook-id", "x" + i)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build();
                    jdk.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                            .whenComplete((response, failure) -> finished.run());
                } else {
                    SimpleHttpRequest request = SimpleRequestBuilder.post(TARGET)
                            .setBody(body, ContentType.APPLICATION_JSON)
                            .addHeader("webhook-id", "x" + i)
                            .build();
                    hc.execute(request, new FutureCallback<SimpleHttpResponse>() {
                        public void completed(SimpleHttpResponse response) {
                            finished.run();
                        }

                        public void failed(Exception failure) {
                            failure.printStackTrace();
                            finished.run();
                        }

                        public void cancelled() {
                            finished.run();
                        }
                    });
                }
            }
            done.await();
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(
                    "%s round %d: %.0f req/s, client CPU %.1f us/req%n",
                    kind, round, count / seconds, (cpuNanos() - cpuBefore) / 1e3 / count);
        }
        System.exit(0);
    }

    private static CloseableHttpAsyncClient apache(int ioThreads) {
        CloseableHttpAsyncClient client = HttpAsyncClients.custom()
                .setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1)
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(256)
                        .setMaxConnPerRoute(128)
                        .build())
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(ioThreads).build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .build();
        client.start();
        return client;
    }

    private static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
