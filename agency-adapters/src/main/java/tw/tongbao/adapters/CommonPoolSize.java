package tw.tongbao.adapters;

/**
 * Gives the JVM's common fork-join pool at least two threads on small machines, before anything starts it.
 *
 * <p>{@code CompletableFuture} runs an async step without an executor on the common pool only when that pool has two
 * threads or more; on a machine with two cores it has one, and every such step then gets a new thread of its own. The
 * JDK {@code HttpClient} hands every response over that way, so on two cores the adapters started about 270 threads a
 * second while draining a backlog (seen with JFR's thread-start events). Two pool threads turn that back into reuse.
 */
final class CommonPoolSize {

    static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    private CommonPoolSize() {}

    /**
     * Sets the pool's parallelism to 2 unless it is set already or the machine's cores give it 2 or more anyway. Only
     * takes effect when called before the common pool is first used, i.e. first thing in {@code main}.
     */
    static void atLeastTwo() {
        if (System.getProperty(PARALLELISM) == null && Runtime.getRuntime().availableProcessors() - 1 < 2) {
            System.setProperty(PARALLELISM, "2");
        }
    }
}
