package tw.tongbao.adapters.restjson;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;

/** Turns a failed HTTP exchange into the short text an operator reads in the attempt log. */
final class HttpFailures {

    private HttpFailures() {}

    static String describe(Throwable failure, Duration timeout) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ConnectTimeoutException) {
            return "connect timed out";
        }
        if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (cause instanceof ConnectException) {
            return "connection refused" + detail(cause);
        }
        if (cause instanceof SSLException) {
            return "TLS error" + detail(cause);
        }
        if (cause instanceof UnknownHostException) {
            return "unknown host";
        }
        if (cause instanceof IOException) {
            return "I/O error: " + cause.getClass().getSimpleName() + detail(cause);
        }
        return "failed: " + cause.getClass().getSimpleName() + detail(cause);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        // A refused or broken connection's real reason may come wrapped one level down.
        if (cause instanceof IOException
                && !(cause instanceof ConnectException)
                && cause.getCause() instanceof ConnectException) {
            return cause.getCause();
        }
        return cause;
    }

    private static String detail(Throwable cause) {
        return cause.getMessage() == null || cause.getMessage().isBlank() ? "" : ": " + cause.getMessage();
    }
}
