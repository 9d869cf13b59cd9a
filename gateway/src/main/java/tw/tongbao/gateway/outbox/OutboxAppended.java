package tw.tongbao.gateway.outbox;

/**
 * Published inside a filing's transaction; after it commits the relay is kicked to publish at once.
 *
 * @param messages how many messages the transaction left in the outbox
 */
record OutboxAppended(int messages) {}
