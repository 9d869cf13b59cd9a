package tw.tongbao.adapters.inbox;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
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

    private final ObjectReader changes;

    ChangeReader(JsonMapper json) {
        // Whatever type id the sender wrote, an agency queue carries filed changes only; the body is parsed as it came
        // (no copy into a String first), as Spring AMQP's JSON converter does only for UTF-8.
        this.changes = json.readerFor(ChangeFiled.class);
    }

    /** The change and this agency's entry in it; throws {@link PoisonMessage} when there is none to deliver. */
    Read read(Message message, String agency) {
        MessageProperties properties = message.getMessageProperties();
        String contentType = properties.getContentType();
        // As Spring AMQP's converter: JSON when the type says so, or when it says nothing (octet-stream, its default).
        if (contentType == null
                || !(contentType.equals(MessageProperties.CONTENT_TYPE_BYTES) || contentType.contains("json"))) {
            throw new PoisonMessage("not a JSON message (content type " + contentType + ")");
        }
        ChangeFiled change;
        try {
            Charset charset = charset(properties);
            change = charset.equals(StandardCharsets.UTF_8)
                    ? changes.readValue(message.getBody())
                    : changes.readValue(new String(message.getBody(), charset));
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
}
