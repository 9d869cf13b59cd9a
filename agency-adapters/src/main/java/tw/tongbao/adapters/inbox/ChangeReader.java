package tw.tongbao.adapters.inbox;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.util.MimeTypeUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;

/** Reads a {@link ChangeFiled} off an agency queue and finds the agency's addressee entry, or says why it cannot. */
final class ChangeReader {

    private final Parser parser;

    ChangeReader(JsonMapper json) {
        this(parser(json));
    }

    ChangeReader(Parser parser) {
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

    /** The change and this agency's entry in it; throws {@link PoisonMessage} when there is none to deliver. */
    Read read(Message message, String agency) {
        return entry(parse(message), agency);
    }

    /** A reader for the messages of one inbox batch (see {@link Batch}). */
    Batch batch() {
        return new Batch();
    }

    /** The change a message carries, checked for what every agency's delivery needs; else {@link PoisonMessage}. */
    private ChangeFiled parse(Message message) {
        MessageProperties properties = message.getMessageProperties();
        String contentType = properties.getContentType();
        // As Spring AMQP's converter: JSON when the type says so, or when it says nothing (octet-stream, its default).
        if (contentType == null
                || !(contentType.equals(MessageProperties.CONTENT_TYPE_BYTES) || contentType.contains("json"))) {
            throw new PoisonMessage("not a JSON message (content type " + contentType + ")");
        }
        ChangeFiled change;
        try {
            change = parser.parse(message.getBody(), charset(properties));
        } catch (JacksonException | IllegalArgumentException e) {
            throw new PoisonMessage(describe(e));
        }
        if (change == null) {
            throw new PoisonMessage("unparseable ChangeFiled JSON: the body is JSON null");
        }
        require(change.changeId() != null, "changeId is missing");
        require(change.receipt() != null && !change.receipt().isBlank(), "receipt is missing");
        require(change.type() != null, "type is missing");
        require(
                change.effectiveDate() != null && change.submittedAt() != null,
                "effectiveDate or submittedAt is missing");
        return change;
    }

    /** The agency's entry in a change, or {@link PoisonMessage} when it has none to deliver. */
    private static Read entry(ChangeFiled change, String agency) {
        Addressee addressee = change.addresseeFor(agency)
                .orElseThrow(() -> new PoisonMessage("no addressee entry for agency " + agency));
        require(addressee.deliveryId() != null, "the addressee entry for " + agency + " has no deliveryId");
        require(
                addressee.subjectRef() != null && !addressee.subjectRef().isBlank(),
                "the addressee entry for " + agency + " has no subjectRef");
        return new Read(change, addressee);
    }

    private static void require(boolean condition, String problem) {
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
        // An unknown or illegal name throws IllegalArgumentException: the message cannot be read.
        return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
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

    /** A readable change and the agency's entry in it. */
    record Read(ChangeFiled change, Addressee addressee) {}

    /** Turns a message body in the given charset into a change; throws what Jackson throws. */
    @FunctionalInterface
    interface Parser {
        ChangeFiled parse(byte[] body, Charset charset);
    }

    /**
     * Reads the messages of one inbox batch, parsing each change once however many agency queues its copies came on
     * (about five): a copy is read from an earlier one's outcome, change or poison reason, only when it proves to be the
     * same message (same message id, which the gateway sets to the change id, same content type and encoding, identical
     * bytes), so a damaged copy is parsed, and set aside, on its own. Not thread-safe: one batch, one thread.
     */
    final class Batch {

        private final Map<String, Parsed> byMessageId = new HashMap<>();

        private Batch() {}

        /** As {@link ChangeReader#read}. */
        Read read(Message message, String agency) {
            MessageProperties properties = message.getMessageProperties();
            String id = properties.getMessageId();
            if (id == null) {
                return ChangeReader.this.read(message, agency);
            }
            Parsed parsed = byMessageId.get(id);
            if (parsed == null || !parsed.isCopyOf(message)) {
                parsed = Parsed.of(message, ChangeReader.this::parse);
                byMessageId.putIfAbsent(id, parsed);
            }
            return entry(parsed.change(), agency);
        }
    }

    /** One message's outcome: its change, or why it has none (then {@link #change} throws that again). */
    private record Parsed(byte[] body, String contentType, String contentEncoding, ChangeFiled read, String poison) {

        static Parsed of(Message message, Function<Message, ChangeFiled> parse) {
            MessageProperties properties = message.getMessageProperties();
            ChangeFiled change = null;
            String poison = null;
            try {
                change = parse.apply(message);
            } catch (PoisonMessage e) {
                poison = e.getMessage();
            }
            return new Parsed(
                    message.getBody(), properties.getContentType(), properties.getContentEncoding(), change, poison);
        }

        /** The same bytes in the same content type and encoding: parsing it would give the same outcome. */
        boolean isCopyOf(Message message) {
            MessageProperties properties = message.getMessageProperties();
            return Objects.equals(contentType, properties.getContentType())
                    && Objects.equals(contentEncoding, properties.getContentEncoding())
                    && Arrays.equals(body, message.getBody());
        }

        ChangeFiled change() {
            if (poison != null) {
                throw new PoisonMessage(poison);
            }
            return read;
        }
    }
}
