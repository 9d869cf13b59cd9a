package tw.tongbao.adapters.inbox;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.util.MimeTypeUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.envelope.ChangeFiledBatch;

/**
 * Reads what a message off an agency queue holds for the queue's agency: a lone {@link ChangeFiled}, or the changes of a
 * {@link ChangeFiledBatch} addressed to it, each with its own bytes; and what cannot be delivered, with why.
 */
final class ChangeReader {

    private final JsonMapper json;
    private final Parser parser;

    ChangeReader(JsonMapper json) {
        this(json, parser(json));
    }

    ChangeReader(JsonMapper json, Parser parser) {
        this.json = json;
        this.parser = parser;
    }

    /**
     * Whatever type id the sender wrote, an agency queue carries filed changes only; the body is parsed as it came (no
     * copy into a String first), as Spring AMQP's JSON converter does only for UTF-8.
     */
    static Parser parser(JsonMapper json) {
        ObjectReader changes = json.readerFor(ChangeFiled.class);
        return (body, charset) -> charset.equals(StandardCharsets.UTF_8)
                ? changes.readValue(body)
                : changes.readValue(new String(body, charset));
    }

    /** What the message holds for the agency: the changes to store and what to set aside. */
    Taken take(Message message, String agency) {
        return parse(message).take(agency);
    }

    /** A reader for the messages of one inbox batch (see {@link Batch}). */
    Batch batch() {
        return new Batch();
    }

    /**
     * The message read for every agency at once. A batch is split after its body is made UTF-8, as the split's byte
     * offsets and the stored messages are; one bad change in it is unreadable alone.
     */
    private ParsedMessage parse(Message message) {
        MessageProperties properties = message.getMessageProperties();
        try {
            requireJson(properties.getContentType());
            Charset charset = charset(properties);
            if (!ParsedMessage.isBatch(message)) {
                return ParsedMessage.lone(message, change(message.getBody(), charset));
            }
            byte[] body = charset.equals(StandardCharsets.UTF_8)
                    ? message.getBody()
                    : new String(message.getBody(), charset).getBytes(StandardCharsets.UTF_8);
            List<ParsedMessage.Change> changes = new ArrayList<>();
            for (byte[] change : split(body)) {
                changes.add(change(change, StandardCharsets.UTF_8));
            }
            return ParsedMessage.batch(message, changes);
        } catch (PoisonMessage e) {
            return ParsedMessage.unreadable(message, e.getMessage());
        }
    }

    private List<byte[]> split(byte[] body) {
        try {
            return ChangeFiledBatch.split(json, body);
        } catch (IllegalArgumentException e) {
            throw new PoisonMessage("unreadable batch of filed changes: " + firstLine(e.getMessage()));
        }
    }

    /** One change's bytes, read and checked for what every agency's delivery needs, or why they cannot be. */
    private ParsedMessage.Change change(byte[] bytes, Charset charset) {
        ChangeFiled change;
        try {
            change = parser.parse(bytes, charset);
        } catch (JacksonException | IllegalArgumentException e) {
            return ParsedMessage.Change.unreadable(bytes, describe(e));
        }
        try {
            require(change != null, "unparseable ChangeFiled JSON: the body is JSON null");
            require(change.changeId() != null, "changeId is missing");
            require(change.receipt() != null && !change.receipt().isBlank(), "receipt is missing");
            require(change.type() != null, "type is missing");
            require(
                    change.effectiveDate() != null && change.submittedAt() != null,
                    "effectiveDate or submittedAt is missing");
        } catch (PoisonMessage e) {
            return ParsedMessage.Change.unreadable(bytes, e.getMessage());
        }
        return new ParsedMessage.Change(bytes, change, null);
    }

    /** As Spring AMQP's converter: JSON when the type says so, or when it says nothing (octet-stream, its default). */
    private static void requireJson(String contentType) {
        if (contentType == null
                || !(contentType.equals(MessageProperties.CONTENT_TYPE_BYTES) || contentType.contains("json"))) {
            throw new PoisonMessage("not a JSON message (content type " + contentType + ")");
        }
    }

    static void require(boolean condition, String problem) {
        if (!condition) {
            throw new PoisonMessage(problem);
        }
    }

    /** The body's charset: the content encoding, else the content type's charset, else UTF-8. */
    private static Charset charset(MessageProperties properties) {
        String name = properties.getContentEncoding();
        if (name == null) {
            try {
                name = MimeTypeUtils.parseMimeType(properties.getContentType()).getParameter("charset");
            } catch (RuntimeException e) {
                name = null;
            }
        }
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            // An unknown or illegal name: the message cannot be read.
            throw new PoisonMessage(describe(e));
        }
    }

    private static String describe(RuntimeException e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String text = String.valueOf(cause.getMessage());
        if (text.contains(ChangeType.class.getSimpleName())) {
            return "unknown change type: " + firstLine(text);
        }
        return "unparseable ChangeFiled JSON: " + firstLine(text);
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return line.length() > 300 ? line.substring(0, 300) : line;
    }

    /**
     * What one message holds for one agency: its changes for the agency, each with the bytes its message row stores,
     * and what can never become a delivery (a bad change of a batch alone, else the whole message), with why.
     */
    record Taken(List<InboxWriter.Received> received, List<SetAside> setAside) {

        static Taken setAside(byte[] body, String reason) {
            return new Taken(List.of(), List.of(new SetAside(body, reason)));
        }
    }

    /** Bytes to keep as poison, and why they can never be delivered. */
    record SetAside(byte[] body, String reason) {}

    /** Turns a message body in the given charset into a change; throws what Jackson throws. */
    @FunctionalInterface
    interface Parser {
        ChangeFiled parse(byte[] body, Charset charset);
    }

    /**
     * Reads the messages of one inbox batch, reading each message once however many agency queues its copies came on
     * (about five; a batch of changes, on every queue any of its changes is addressed to): a copy is taken from an
     * earlier one's reading only when it proves to be the same message (same message id, same type id, content type
     * and encoding, identical bytes), so a damaged copy is read, and set aside, on its own. Not thread-safe: one batch,
     * one thread.
     */
    final class Batch {

        private final Map<String, ParsedMessage> byMessageId = new HashMap<>();

        private Batch() {}

        /** As {@link ChangeReader#take}. */
        Taken take(Message message, String agency) {
            String id = message.getMessageProperties().getMessageId();
            if (id == null) {
                return ChangeReader.this.take(message, agency);
            }
            ParsedMessage parsed = byMessageId.get(id);
            if (parsed == null || !parsed.isCopyOf(message)) {
                parsed = parse(message);
                byMessageId.putIfAbsent(id, parsed);
            }
            return parsed.take(agency);
        }
    }
}
