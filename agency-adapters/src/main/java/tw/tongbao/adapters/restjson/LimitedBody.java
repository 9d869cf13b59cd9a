package tw.tongbao.adapters.restjson;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;

/**
 * Reads an answer's status and {@code Retry-After}, and keeps only the first bytes of its body: the rest is read and
 * dropped, so a huge answer costs no memory and the connection stays reusable.
 */
final class LimitedBody extends AbstractBinResponseConsumer<LimitedBody.Answer> {

    /**
     * An agency's answer as far as it is kept.
     *
     * @param status the HTTP status
     * @param retryAfter the {@code Retry-After} header's value, or null
     * @param body the first bytes of the body
     */
    record Answer(int status, String retryAfter, byte[] body) {}

    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private int status;
    private String retryAfter;

    LimitedBody(int limit) {
        this.limit = limit;
    }

    @Override
    protected void start(HttpResponse response, ContentType contentType) {
        status = response.getCode();
        Header header = response.getFirstHeader("Retry-After");
        retryAfter = header == null ? null : header.getValue();
    }

    @Override
    protected int capacityIncrement() {
        return 8 * 1024;
    }

    @Override
    protected void data(ByteBuffer src, boolean endOfStream) {
        int take = Math.min(limit - kept.size(), src.remaining());
        if (take > 0) {
            byte[] chunk = new byte[take];
            src.get(chunk);
            kept.write(chunk, 0, take);
        }
        src.position(src.limit());
    }

    @Override
    protected Answer buildResult() {
        return new Answer(status, retryAfter, kept.toByteArray());
    }

    @Override
    public void releaseResources() {
        // Nothing is held beyond the kept bytes, which the answer took.
    }
}
