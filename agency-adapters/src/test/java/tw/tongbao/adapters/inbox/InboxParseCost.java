package tw.tongbao.adapters.inbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.envelope.ChangeFiled;
import tw.tongbao.core.fixtures.Changes;

/**
 * Not part of the suite (no {@code Tests} suffix): prints what reading 1,000 changes × 5 agency queues costs, each copy
 * parsed (old) and each change parsed once per inbox batch of 64 (new). Run with
 * {@code mvn -o -pl agency-adapters test -Dtest=InboxParseCost}; asserts nothing about timings.
 */
class InboxParseCost {

    private static final String[] FIVE = {"NHIA", "NTA", "TPC", "CEDAR", "MOI"};
    private static final int ROUNDS = 25;

    @Test
    void printsTheCostOfReadingABacklog() {
        JsonMapper json = JsonMapper.builder().build();
        // The queues' copies interleaved as one channel delivers them: change i on every queue, then change i + 1.
        List<Message> messages = new ArrayList<>();
        List<String> agencies = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            ChangeFiled change = Changes.addressChange(FIVE);
            byte[] body = json.writeValueAsBytes(change);
            for (String agency : FIVE) {
                MessageProperties properties = new MessageProperties();
                properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
                properties.setContentEncoding(StandardCharsets.UTF_8.name());
                properties.setMessageId(change.changeId().toString());
                // Each queue's copy is a body of its own, as the broker client hands them over.
                messages.add(new Message(body.clone(), properties));
                agencies.add(agency);
            }
        }
        ChangeReader reader = new ChangeReader(json);
        long[] old = new long[ROUNDS];
        long[] batched = new long[ROUNDS];
        long sink = 0;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < messages.size(); i++) {
                sink += reader.take(messages.get(i), agencies.get(i)).received().size();
            }
            old[round] = System.nanoTime() - start;
            start = System.nanoTime();
            ChangeReader.Batch batch = null;
            for (int i = 0; i < messages.size(); i++) {
                if (i % 64 == 0) {
                    batch = reader.batch();
                }
                sink += batch.take(messages.get(i), agencies.get(i)).received().size();
            }
            batched[round] = System.nanoTime() - start;
        }
        System.out.printf(
                "inbox read of %d messages (sink %d): old %s ms, new %s ms%n",
                messages.size(), sink % 10, ms(old), ms(batched));
    }

    private static String ms(long[] nanos) {
        long[] kept = Arrays.copyOfRange(nanos, 10, nanos.length);
        Arrays.sort(kept);
        return String.format("median %.1f (min %.1f)", kept[kept.length / 2] / 1e6, kept[0] / 1e6);
    }
}
