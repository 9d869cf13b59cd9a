package tw.tongbao.adapters.restjson;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Turns a failed HTTP exchange into the short text an operator reads in the attempt log. */
final class HttpFailures {

    private HttpFailures() {}

    static String describe(Throwable failure, Duration timeout) {
        Throwable cause = unwrap(failure);
        if (cause instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (cause instanceof ConnectException) {
            return "connection refused" + detail(cause);
        }
        if (cause instanceof SSLException) {
            return "TLS error" + detail(cause);
        }
        if (cause instanceof UnresolvedAddressException) {
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
        // The JDK client wraps the real reason of a refused or broken connection one level down.
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
