package tw.tongbao.gateway.citizen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static tw.tongbao.gateway.citizen.PreparedFilings.filing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.PlatformTransactionManager;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.delivery.ChangeStatus;

/** The filing batcher with the database replaced: group commit, retrying alone, back-pressure and stopping. */
class FilingBatcherTests {

    private final FilingWriter writer = mock(FilingWriter.class);
    private final ExecutorService requests = Executors.newCachedThreadPool();
    private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch release = new CountDownLatch(1);
    private FilingBatcher batcher;

    @AfterEach
    void stop() {
        release.countDown();
        if (batcher != null) {
            batcher.stop();
        }
        requests.shutdownNow();
    }

    @Test
    void filesWhatQueuedMeanwhileInOneBatch() throws Exception {
        start(100, 10);
        Future<ChangeView> first = file(filing("first"));
        awaitBatches(1);
        List<Future<ChangeView>> queued = queueInOrder("a", "b", "c");

        release.countDown();

        assertThat(first.get(5, TimeUnit.SECONDS).receipt()).isNotBlank();
        for (Future<ChangeView> answer : queued) {
            assertThat(answer.get(5, TimeUnit.SECONDS).receipt()).isNotBlank();
        }
        assertThat(batches).containsExactly(List.of("first"), List.of("a", "b", "c"));
    }

    @Test
    void triesEachFilingAloneWhenTheirBatchFailsSoOnlyTheBadOneFails() throws Exception {
        start(100, 10);
        Future<ChangeView> first = file(filing("first"));
        awaitBatches(1);
        List<Future<ChangeView>> queued = queueInOrder("good", "bad", "taken");
        Future<ChangeView> good = queued.get(0);
        Future<ChangeView> bad = queued.get(1);
        Future<ChangeView> taken = queued.get(2);

        release.countDown();

        first.get(5, TimeUnit.SECONDS);
        assertThat(good.get(5, TimeUnit.SECONDS).receipt()).isNotBlank();
        assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> taken.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(KeyAlreadyFiled.class);
        assertThat(batches)
                .containsExactly(
                        List.of("first"),
                        List.of("good", "bad", "taken"),
                        List.of("good"),
                        List.of("bad"),
                        List.of("taken"));
    }

    @Test
    void failsTheWholeBatchWithoutRetriesWhenTheDatabaseIsUnreachable() throws Exception {
        start(100, 10);
        Future<ChangeView> first = file(filing("first"));
        awaitBatches(1);
        List<Future<ChangeView>> queued = queueInOrder("down-a", "down-b");

        release.countDown();

        first.get(5, TimeUnit.SECONDS);
        for (Future<ChangeView> answer : queued) {
            assertThatThrownBy(() -> answer.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(DataAccessResourceFailureException.class);
        }
        assertThat(batches).containsExactly(List.of("first"), List.of("down-a", "down-b"));
    }

    @Test
    void stopsTryingFilingsAloneOnceTheDatabaseIsUnreachable() throws Exception {
        start(100, 10);
        Future<ChangeView> first = file(filing("first"));
        awaitBatches(1);
        List<Future<ChangeView>> queued = queueInOrder("bad", "down-a", "after");

        release.countDown();

        first.get(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> queued.get(0).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> queued.get(1).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(DataAccessResourceFailureException.class);
        assertThatThrownBy(() -> queued.get(2).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(DataAccessResourceFailureException.class);
        assertThat(batches)
                .containsExactly(
                        List.of("first"), List.of("bad", "down-a", "after"), List.of("bad"), List.of("down-a"));
    }

    @Test
    void refusesAFilingAtOnceWhenTheQueueIsFull() throws Exception {
        start(100, 1);
        Future<ChangeView> first = file(filing("first"));
        awaitBatches(1);
        Future<ChangeView> waiting = queueInOrder("waiting").get(0);

        assertThatThrownBy(() -> batcher.file(filing("one-too-many"))).isInstanceOf(FilingUnavailable.class);

        release.countDown();
        first.get(5, TimeUnit.SECONDS);
        assertThat(waiting.get(5, TimeUnit.SECONDS).receipt()).isNotBlank();
    }

    @Test
    void filesEverythingQueuedBeforeStoppingAndRefusesWhatComesAfter() throws Exception {
        start(2, 10);
        Future<ChangeView> first = file(filing("first"));
        awaitBatches(1);
        List<Future<ChangeView>> queued = queueInOrder("a", "b", "c", "d");
        Future<?> stopping = requests.submit((Runnable) batcher::stop);
        await().until(() -> !batcher.isRunning());

        assertThatThrownBy(() -> batcher.file(filing("late"))).isInstanceOf(FilingUnavailable.class);

        release.countDown();
        stopping.get(5, TimeUnit.SECONDS);
        first.get(5, TimeUnit.SECONDS);
        for (Future<ChangeView> answer : queued) {
            assertThat(answer.get(5, TimeUnit.SECONDS).receipt()).isNotBlank();
        }
        assertThat(batches).containsExactly(List.of("first"), List.of("a", "b"), List.of("c", "d"));
    }

    /**
     * Starts a batcher with one writer whose first batch waits for {@link #release}; a batch holding "bad" fails as a
     * constraint would, one holding "down-…" as an unreachable database would, and "taken" is already filed.
     */
    private void start(int batchSize, int queueCapacity) {
        when(writer.fileAll(any())).thenAnswer(call -> {
            List<PreparedFiling> filings = call.getArgument(0);
            List<String> keys = filings.stream().map(f -> f.key().value()).toList();
            batches.add(keys);
            if (batches.size() == 1) {
                release.await();
            }
            if (keys.contains("bad")) {
                throw new DataIntegrityViolationException("bad");
            }
            if (keys.stream().anyMatch(key -> key.startsWith("down-"))) {
                throw new DataAccessResourceFailureException("the database is down");
            }
            return filings.stream()
                    .map(f -> f.key().value().equals("taken") ? Optional.<ChangeAnswer>empty() : Optional.of(answer(f)))
                    .toList();
        });
        batcher = new FilingBatcher(
                writer, mock(PlatformTransactionManager.class), new FilingProperties(batchSize, 1, queueCapacity));
        batcher.start();
    }

    private void awaitBatches(int count) {
        await().until(() -> batches.size() >= count);
    }

    /** Queues filings with these keys one after another, each once the one before is queued. */
    private List<Future<ChangeView>> queueInOrder(String... keys) {
        List<Future<ChangeView>> answers = new ArrayList<>();
        for (String key : keys) {
            answers.add(file(filing(key)));
            int expected = answers.size();
            await().until(() -> batcher.queued() == expected);
        }
        return answers;
    }

    private Future<ChangeView> file(PreparedFiling filing) {
        return batcher.file(filing).thenApply(ChangeAnswer::view);
    }

    private static ChangeAnswer answer(PreparedFiling filing) {
        return new ChangeAnswer(view(filing), new byte[0]);
    }

    private static ChangeView view(PreparedFiling filing) {
        return new ChangeView(
                filing.receipt().value(),
                ChangeType.ADDRESS_CHANGE,
                ChangeStatus.IN_PROGRESS,
                Instant.now(),
                1,
                List.of());
    }
}
