package tw.tongbao.gateway.citizen;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    private final JsonMapper json;

    ChangeIntake(ChangeRequestReader reader, ChangeFiling filing, ChangeQueries queries, JsonMapper json) {
        this.reader = reader;
        this.filing = filing;
        this.queries = queries;
        this.json = json;
        this.strictJson = json.reader()
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(tools.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }

    /** The answer to the request: the change and its JSON, the body to send. */
    ChangeAnswer accept(Filer filer, IdempotencyKey key, byte[] body) {
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
            return replay(filer, key, hash).orElseThrow(() -> e);
        }
        try {
            return filing.file(filer, request, key, hash);
        } catch (KeyAlreadyFiled e) {
            return replay(filer, key, hash).orElseThrow(() -> e);
        } catch (DuplicateKeyException e) {
            log.info(
                    "concurrent filing with one Idempotency-Key by {}; answering as a replay",
                    filer.id().masked());
            return replay(filer, key, hash).orElseThrow(() -> e);
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
