package tw.tongbao.gateway.citizen;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.gateway.security.Filer;

/**
 * Takes one {@code POST /api/v1/changes}: validates and files, answering a repeated key with the first answer (or 409
 * for another body). The key is looked up only when the filing finds it taken or the request is refused, so a new
 * filing costs no lookup of its own; of two concurrent requests with one key, the later one answers as a replay.
 */
@Component
class ChangeIntake {

    private static final Logger log = LoggerFactory.getLogger(ChangeIntake.class);

    private final ChangeRequestReader reader;
    private final ChangeFiling filing;
    private final ChangeQueries queries;
    private final ObjectReader strictJson;
    /** Where a filing that found its key taken looks up the first answer (Spring's task executor). */
    private final Executor replays;

    ChangeIntake(
            ChangeRequestReader reader,
            ChangeFiling filing,
            ChangeQueries queries,
            JsonMapper json,
            @Qualifier("applicationTaskExecutor") Executor replays) {
        this.reader = reader;
        this.filing = filing;
        this.queries = queries;
        this.replays = replays;
        this.strictJson = json.reader()
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(tools.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    /**
     * The answer to the request, the change and its JSON (the body to send), once the filing has committed. Bad input
     * throws at once, before anything is queued; so does a full queue ({@link FilingUnavailable}).
     */
    CompletableFuture<ChangeAnswer> accept(Filer filer, IdempotencyKey key, byte[] body) {
        JsonNode tree = parse(body);
        String hash = RequestFingerprint.of(tree);
        ChangeRequest request;
        try {
            request = reader.read(tree);
            if (request.type() != ChangeType.DEATH_REPORT && !request.subject().equals(filer.id())) {
                throw new NotFilersOwnSubject();
            }
        } catch (InvalidChangeRequest | MalformedChangeRequest | NotFilersOwnSubject e) {
            // A key filed before wins over today's rules: its first answer, or 409 for another body.
            return CompletableFuture.completedFuture(replay(filer, key, hash).orElseThrow(() -> e));
        }
        // The look-up reads the database, so it runs on the replay threads, never on the writer that completed the
        // filing.
        return filing.file(filer, request, key, hash)
                .exceptionallyComposeAsync(failure -> replayTaken(filer, key, hash, failure), replays);
    }

    /** The first answer when the filing found the key taken; any other failure as it was. */
    private CompletableFuture<ChangeAnswer> replayTaken(
            Filer filer, IdempotencyKey key, String hash, Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (!(cause instanceof DuplicateKeyException taken)) {
            return CompletableFuture.failedFuture(cause);
        }
        if (!(taken instanceof KeyAlreadyFiled)) {
            log.info(
                    "concurrent filing with one Idempotency-Key by {}; answering as a replay",
                    filer.id().masked());
        }
        try {
            return CompletableFuture.completedFuture(replay(filer, key, hash).orElseThrow(() -> taken));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Optional<ChangeAnswer> replay(Filer filer, IdempotencyKey key, String hash) {
        return queries.findAnswer(filer.id(), key).map(answer -> {
            if (!answer.requestHash().equals(hash)) {
                throw new IdempotencyKeyReused();
            }
            log.debug(
                    "replaying change {} for a repeated Idempotency-Key",
                    answer.response().receipt());
            return new ChangeAnswer(answer.response(), answer.json());
        });
    }

    private JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw new MalformedChangeRequest("the request body is empty");
        }
        try {
            return strictJson.readTree(body);
        } catch (JacksonException e) {
            throw new MalformedChangeRequest("the request body is not valid JSON");
        }
    }
}
