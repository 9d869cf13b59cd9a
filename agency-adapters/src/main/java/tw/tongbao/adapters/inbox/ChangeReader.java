package tw.tongbao.adapters.inbox;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.support.converter.ClassMapper;
import org.springframework.amqp.support.converter.JacksonJsonMessageConverter;
import org.springframework.amqp.support.converter.MessageConversionException;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.change.ChangeType;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;

/** Reads a {@link ChangeFiled} off an agency queue and finds the agency's addressee entry, or says why it cannot. */
final class ChangeReader {

    private final JacksonJsonMessageConverter converter;

    ChangeReader(JsonMapper json) {
        this.converter = new JacksonJsonMessageConverter(json, "tw.tongbao.core.envelope");
        // Whatever type id the sender wrote, an agency queue carries filed changes only.
        this.converter.setClassMapper(new ClassMapper() {
            @Override
            public void fromClass(Class<?> clazz, MessageProperties properties) {}

            @Override
            public Class<?> toClass(MessageProperties properties) {
                return ChangeFiled.class;
            }
        });
    }

    /** The change and this agency's entry in it; throws {@link PoisonMessage} when there is none to deliver. */
    Read read(Message message, String agency) {
        Object converted;
        try {
            converted = converter.fromMessage(message);
        } catch (MessageConversionException e) {
            throw new PoisonMessage(describe(e));
        }
        if (!(converted instanceof ChangeFiled change)) {
            throw new PoisonMessage("not a JSON message (content type "
                    + message.getMessageProperties().getContentType() + ")");
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

    private static String describe(MessageConversionException e) {
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
