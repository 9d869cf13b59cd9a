package tw.tongbao.simulator.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.agency.AgencyRegistry;
import tw.tongbao.core.agency.Protocol;
import tw.tongbao.simulator.SimulatorProperties;
import tw.tongbao.simulator.stats.DeliveryStats;

/** Polls {@code {drop-directory}/{CODE}/} of every batch-csv agency and takes each complete file once. */
@Component
public class DropDirectoryWatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DropDirectoryWatcher.class);

    private final List<BatchInbox> inboxes;
    private final SimulatorProperties properties;
    private ScheduledExecutorService poller;

    public DropDirectoryWatcher(AgencyRegistry registry, DeliveryStats stats, SimulatorProperties properties) {
        this.properties = properties;
        this.inboxes = registry.all().stream()
                .filter(agency -> agency.protocol() == Protocol.BATCH_CSV)
                .map(agency -> inbox(agency, stats))
                .toList();
    }

    private BatchInbox inbox(Agency agency, DeliveryStats stats) {
        Path folder = properties.dropDirectory().resolve(agency.code().value());
        return new BatchInbox(agency.code(), folder, agency.charset(), stats.of(agency.code()));
    }

    @Override
    public synchronized void start() {
        for (BatchInbox inbox : inboxes) {
            try {
                Files.createDirectories(inbox.folder());
            } catch (IOException e) {
                log.warn("{} cannot create drop folder {}: {}", inbox.code(), inbox.folder(), e.toString());
            }
            log.info("{} (batch-csv) watching {}", inbox.code(), inbox.folder().toAbsolutePath());
        }
        poller = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "drop-directory-watcher");
            thread.setDaemon(true);
            return thread;
        });
        long every = properties.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::pollOnce, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Takes every complete file now in the agencies' folders. */
    public void pollOnce() {
        for (BatchInbox inbox : inboxes) {
            List<Path> csvFiles;
            try (Stream<Path> files = Files.list(inbox.folder())) {
                csvFiles = files.filter(DropDirectoryWatcher::isPublishedCsv)
                        .sorted()
                        .toList();
            } catch (IOException e) {
                log.warn("{} cannot list {}: {}", inbox.code(), inbox.folder(), e.toString());
                continue;
            }
            for (Path csv : csvFiles) {
                try {
                    inbox.take(csv);
                } catch (RuntimeException e) {
                    // One unreadable file must neither stop the poller nor hold back the files after it.
                    log.warn("{} failed to take batch file {}: {}", inbox.code(), csv.getFileName(), e.toString());
                }
            }
        }
    }

    /** A {@code .csv} in place; dot-files (e.g. the adapters' {@code .tmp-…}) are still being written. */
    static boolean isPublishedCsv(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".csv") && !name.startsWith(".") && Files.isRegularFile(file);
    }

    @Override
    public synchronized void stop() {
        if (poller != null) {
            poller.shutdownNow();
            poller = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return poller != null;
    }
}
