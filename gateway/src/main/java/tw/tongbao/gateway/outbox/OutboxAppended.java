package tw.tongbao.gateway.outbox;

import java.util.UUID;

/**
 * Published inside a filing's transaction; after it commits the relay is kicked to publish at once.
 *
 * @param changeId the change whose message waits in the outbox
 */
record OutboxAppended(UUID changeId) {}
