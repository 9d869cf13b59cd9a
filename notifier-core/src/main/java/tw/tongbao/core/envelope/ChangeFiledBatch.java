package tw.tongbao.core.envelope;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Several filed changes in one message from the gateway to the agency queues, to save the broker and both sides a
 * message (and a write to every addressed quorum queue) per change. Internal to Tongbao: the adapters also still take a
 * lone {@link ChangeFiled}, as the gateway sent before, so messages queued during an upgrade are read.
 *
 * <p>The body is UTF-8 JSON {@code {"changes":[<ChangeFiled>, …]}}, the changes in the order they were filed, each as
 * the gateway stored it; the message's {@code __TypeId__} header is {@link #TYPE_ID}, and it carries the addressed
 * header of every agency any of its changes is addressed to, so each agency queue gets it once and in publish order,
 * and an adapter takes from it only the changes addressed to the queue's agency. This class writes that body from the
 * stored bytes and splits it back into each change's own bytes, neither decoding nor encoding a change: the adapters
 * keep a change's text as it came, and one bad change is set aside on its own.
 */
public final class ChangeFiledBatch {

    /** The {@code __TypeId__} header of a batch; any other type id on an agency queue is a lone {@link ChangeFiled}. */
    public static final String TYPE_ID = ChangeFiledBatch.class.getName();

    private static final String CHANGES = "changes";

    private static final byte[] HEAD = "{\"changes\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAIL = "]}".getBytes(StandardCharsets.US_ASCII);

    private ChangeFiledBatch() {}

    /** The body of a batch holding the given changes (each a stored {@link ChangeFiled}, UTF-8 JSON) in this order. */
    public static byte[] join(List<byte[]> changes) {
        if (changes.isEmpty()) {
            throw new IllegalArgumentException("a batch of filed changes holds at least one change");
        }
        int size = HEAD.length + TAIL.length + changes.size() - 1;
        for (byte[] change : changes) {
            size += change.length;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(size);
        body.writeBytes(HEAD);
        for (int i = 0; i < changes.size(); i++) {
            if (i > 0) {
                body.write(',');
            }
            body.writeBytes(changes.get(i));
        }
        body.writeBytes(TAIL);
        return body.toByteArray();
    }

    /** How many bytes {@link #join} adds to the changes' own: braces, the name, brackets and commas. */
    public static int overhead(int changes) {
        return HEAD.length + TAIL.length + Math.max(0, changes - 1);
    }

    /**
     * Each change's bytes, in order, exactly as they stand in the body; unknown properties beside {@code changes} are
     * skipped. A change that is not a valid {@link ChangeFiled} is still returned (reading it is the caller's part), but
     * a body that is not JSON at all, or has no {@code changes} array, cannot be split.
     *
     * @throws IllegalArgumentException when the body is not a batch, saying why
     */
    public static List<byte[]> split(JsonMapper json, byte[] body) {
        try (JsonParser in = json.createParser(body)) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a batch of filed changes is a JSON object");
            }
            List<byte[]> changes = null;
            while (in.nextToken() == JsonToken.PROPERTY_NAME) {
                boolean named = CHANGES.equals(in.currentName());
                JsonToken value = in.nextToken();
                if (!named) {
                    in.skipChildren();
                } else if (value != JsonToken.START_ARRAY) {
                    throw new IllegalArgumentException("a batch's \"changes\" is an array");
                } else {
                    changes = elements(in, body);
                }
            }
            if (changes == null || changes.isEmpty()) {
                throw new IllegalArgumentException("a batch of filed changes has a non-empty \"changes\" array");
            }
            if (in.nextToken() != null) {
                throw new IllegalArgumentException("a batch of filed changes has content after its end");
            }
            return changes;
        } catch (JacksonException e) {
            throw new IllegalArgumentException("a batch of filed changes is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static List<byte[]> elements(JsonParser in, byte[] body) {
        List<byte[]> changes = new ArrayList<>();
        while (in.nextToken() != JsonToken.END_ARRAY) {
            int start = (int) in.currentTokenLocation().getByteOffset();
            in.skipChildren();
            // A string is read lazily: finished, so that the location is past its closing quote.
            in.finishToken();
            int end = (int) in.currentLocation().getByteOffset();
            changes.add(Arrays.copyOfRange(body, start, end));
        }
        return changes;
    }
}
