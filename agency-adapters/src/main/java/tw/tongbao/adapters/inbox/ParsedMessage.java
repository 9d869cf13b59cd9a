package tw.tongbao.adapters.inbox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.support.converter.AbstractJavaTypeMapper;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.envelope.ChangeFiledBatch;

/**
 * One message off the agency queues as {@link ChangeReader} read it, once for every queue its copies came on: its
 * changes (a lone one, or a batch's in order), each read or with why not; or why the message as a whole cannot be read.
 */
final class ParsedMessage {

    private final byte[] body;
    private final String contentType;
    private final String contentEncoding;
    private final String typeId;
    private final boolean batch;
    private final List<Change> changes;
    private final String unreadable;

    private ParsedMessage(Message message, boolean batch, List<Change> changes, String unreadable) {
        MessageProperties properties = message.getMessageProperties();
        this.body = message.getBody();
        this.contentType = properties.getContentType();
        this.contentEncoding = properties.getContentEncoding();
        this.typeId = typeId(message);
        this.batch = batch;
        this.changes = changes;
        this.unreadable = unreadable;
    }

    /** A batch of changes by its type id; any other type id is a lone change, as the gateway sent before batches. */
    static boolean isBatch(Message message) {
        return ChangeFiledBatch.TYPE_ID.equals(typeId(message));
    }

    /** The {@code __TypeId__} header Spring AMQP's JSON converters, and the gateway, write the payload's type in. */
    private static String typeId(Message message) {
        Object typeId = message.getMessageProperties().getHeader(AbstractJavaTypeMapper.DEFAULT_CLASSID_FIELD_NAME);
        return typeId == null ? null : typeId.toString();
    }

    static ParsedMessage lone(Message message, Change change) {
        return new ParsedMessage(message, false, List.of(change), null);
    }

    static ParsedMessage batch(Message message, List<Change> changes) {
        return new ParsedMessage(message, true, List.copyOf(changes), null);
    }

    static ParsedMessage unreadable(Message message, String reason) {
        return new ParsedMessage(message, false, List.of(), reason);
    }

    /** The same bytes with the same type id, content type and encoding: reading it would give the same outcome. */
    boolean isCopyOf(Message message) {
        MessageProperties properties = message.getMessageProperties();
        return Objects.equals(typeId, typeId(message))
                && Objects.equals(contentType, properties.getContentType())
                && Objects.equals(contentEncoding, properties.getContentEncoding())
                && Arrays.equals(body, message.getBody());
    }

    /**
     * What the message holds for the agency. A lone change not addressed to it is set aside, as misrouted; a batch's
     * change not addressed to it is skipped, since a batch goes to every agency any of its changes is addressed to,
     * unless none of the batch's is (misrouted again).
     */
    ChangeReader.Taken take(String agency) {
        if (unreadable != null) {
            return ChangeReader.Taken.setAside(body, unreadable);
        }
        return batch ? fromBatch(agency) : lone(agency);
    }

    private ChangeReader.Taken lone(String agency) {
        Change change = changes.get(0);
        try {
            Addressee addressee = change.addressee(agency)
                    .orElseThrow(() -> new PoisonMessage("no addressee entry for agency " + agency));
            // The body as it came, in whatever charset, as the message row has always stored a lone change.
            return new ChangeReader.Taken(List.of(new InboxWriter.Received(change.read(), addressee, body)), List.of());
        } catch (PoisonMessage e) {
            return ChangeReader.Taken.setAside(body, e.getMessage());
        }
    }

    private ChangeReader.Taken fromBatch(String agency) {
        List<InboxWriter.Received> received = new ArrayList<>();
        List<ChangeReader.SetAside> setAside = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            Change change = changes.get(i);
            try {
                change.addressee(agency)
                        .ifPresent(addressee ->
                                received.add(new InboxWriter.Received(change.read(), addressee, change.bytes())));
            } catch (PoisonMessage e) {
                String position = "change " + (i + 1) + " of " + changes.size() + " in a batch: ";
                setAside.add(new ChangeReader.SetAside(change.bytes(), position + e.getMessage()));
            }
        }
        if (received.isEmpty() && setAside.isEmpty()) {
            return ChangeReader.Taken.setAside(body, "no change in the batch is addressed to agency " + agency);
        }
        return new ChangeReader.Taken(received, setAside);
    }

    /** One change's own bytes (UTF-8 in a batch), and the change they hold or why they hold none. */
    record Change(byte[] bytes, ChangeFiled change, String unreadable) {

        static Change unreadable(byte[] bytes, String reason) {
            return new Change(bytes, null, reason);
        }

        /** The change; {@link PoisonMessage} when the bytes hold none. */
        ChangeFiled read() {
            if (unreadable != null) {
                throw new PoisonMessage(unreadable);
            }
            return change;
        }

        /** The agency's entry, empty when it has none; {@link PoisonMessage} when it has one it cannot deliver by. */
        Optional<Addressee> addressee(String agency) {
            Optional<Addressee> addressee = read().addresseeFor(agency);
            addressee.ifPresent(entry -> {
                ChangeReader.require(
                        entry.deliveryId() != null, "the addressee entry for " + agency + " has no deliveryId");
                ChangeReader.require(
                        entry.subjectRef() != null && !entry.subjectRef().isBlank(),
                        "the addressee entry for " + agency + " has no subjectRef");
            });
            return addressee;
        }
    }
}
