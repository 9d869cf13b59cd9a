package tw.tongbao.gateway.outbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.support.converter.AbstractJavaTypeMapper;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.envelope.ChangeFiledBatch;
import tw.tongbao.core.messaging.Topology;

/**
 * Packs the outbox rows of one relay batch into messages to the changes exchange: consecutive rows, never reordered, a
 * bounded number to a {@link ChangeFiledBatch} message, so each addressed quorum queue is written once per message
 * rather than once per change; a row that goes alone is a lone {@link ChangeFiled}, as before batches. The stored bytes
 * are copied, never decoded or encoded again.
 */
final class ChangeMessages {

    private ChangeMessages() {}

    /**
     * The messages holding the changes, in the changes' order, so that one channel gives every agency queue its changes
     * in the order they were filed.
     *
     * @param changes outbox rows in id order
     * @param changesPerMessage most changes in one message (1: every change alone)
     * @param maxBytes most bytes of body in one message (a larger single change still goes, alone)
     */
    static List<Outgoing> pack(
            JsonMapper json, List<ChangePublisher.Pending> changes, int changesPerMessage, int maxBytes) {
        List<Outgoing> messages = new ArrayList<>();
        List<ChangePublisher.Pending> group = new ArrayList<>();
        long bytes = 0;
        for (ChangePublisher.Pending change : changes) {
            // The body of the group with this change added, as ChangeFiledBatch.join would write it.
            long withIt = bytes + change.payload().length + ChangeFiledBatch.overhead(group.size() + 1);
            if (!group.isEmpty() && (group.size() == changesPerMessage || withIt > maxBytes)) {
                messages.add(outgoing(json, group));
                group = new ArrayList<>();
                bytes = 0;
            }
            group.add(change);
            bytes += change.payload().length;
        }
        if (!group.isEmpty()) {
            messages.add(outgoing(json, group));
        }
        return messages;
    }

    private static Outgoing outgoing(JsonMapper json, List<ChangePublisher.Pending> group) {
        return new Outgoing(group.size(), group.size() == 1 ? alone(json, group.get(0)) : batch(json, group));
    }

    /** A lone change, as the relay sent every change before batches: its id is the message's. */
    private static Message alone(JsonMapper json, ChangePublisher.Pending change) {
        MessageProperties headers = headers(change.changeId().toString(), ChangeFiled.class.getName());
        address(headers, AddressedAgencies.of(json, change.payload()));
        // The bytes the filing wrote, as the database gives them back: never decoded, never encoded again.
        return new Message(change.payload(), headers);
    }

    /**
     * Several changes, addressed to every agency any of them is addressed to. Its id is fresh, not a change's: each of
     * its copies on the agency queues carries the same id, and it never equals the id of a lone message, which is its
     * change's id.
     */
    private static Message batch(JsonMapper json, List<ChangePublisher.Pending> group) {
        MessageProperties headers = headers(UUID.randomUUID().toString(), ChangeFiledBatch.TYPE_ID);
        Set<String> agencies = new LinkedHashSet<>();
        List<byte[]> bodies = new ArrayList<>(group.size());
        for (ChangePublisher.Pending change : group) {
            agencies.addAll(AddressedAgencies.of(json, change.payload()));
            bodies.add(change.payload());
        }
        address(headers, agencies);
        return new Message(ChangeFiledBatch.join(bodies), headers);
    }

    private static MessageProperties headers(String messageId, String typeId) {
        MessageProperties headers = new MessageProperties();
        headers.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        headers.setContentEncoding(StandardCharsets.UTF_8.name());
        headers.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        headers.setMessageId(messageId);
        // The header Spring AMQP's JSON converters read the payload type from, as the adapters' relay writes it.
        headers.setHeader(AbstractJavaTypeMapper.DEFAULT_CLASSID_FIELD_NAME, typeId);
        return headers;
    }

    private static void address(MessageProperties headers, Iterable<String> agencies) {
        for (String agency : agencies) {
            headers.setHeader(Topology.addressedHeader(agency), Topology.ADDRESSED);
        }
    }

    /**
     * One message to publish and how many of the relay batch's changes it holds, the next ones in order.
     *
     * @param changes how many changes it holds
     * @param message the message
     */
    record Outgoing(int changes, Message message) {}
}
