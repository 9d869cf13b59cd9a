package tw.tongbao.gateway.citizen;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tw.tongbao.core.change.Receipt;
import tw.tongbao.gateway.security.Filer;

/** The citizen API of CONTRACT §2: file a change, read one, list one's own. */
@RestController
@RequestMapping("/api/v1/changes")
class ChangeController implements CitizenApi {

    /** The contract's limit on a request body. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private static final int MAX_PAGE_SIZE = 100;

    private final ChangeIntake intake;
    private final ChangeQueries queries;

    ChangeController(ChangeIntake intake, ChangeQueries queries) {
        this.intake = intake;
        this.queries = queries;
    }

    /**
     * Answers once the filing has committed, holding no request thread while it waits for its batch: threads stay few
     * however many filings are in flight (the filing queues bound those).
     */
    @Override
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    public CompletableFuture<ResponseEntity<byte[]>> file(
            Filer filer,
            @RequestHeader(name = IdempotencyKey.HEADER, required = false) String idempotencyKey,
            HttpServletRequest request)
            throws IOException {
        IdempotencyKey key = new IdempotencyKey(idempotencyKey);
        // The view's JSON as already written for the replay column: the same bytes, not a second serialisation.
        return intake.accept(filer, key, readBody(request))
                .thenApply(answer -> ResponseEntity.accepted()
                        .location(URI.create("/api/v1/changes/" + answer.view().receipt()))
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(answer.json()));
    }

    @Override
    @GetMapping("/{receipt}")
    public ChangeView get(Filer filer, @PathVariable String receipt) {
        if (!Receipt.isWellFormed(receipt)) {
            throw new ChangeNotFound();
        }
        return queries.find(filer.id(), receipt).orElseThrow(ChangeNotFound::new);
    }

    @Override
    @GetMapping
    public ChangePage list(
            Filer filer, @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "20") int size) {
        if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
            throw new InvalidPageRequest("page must be 0 or more and size 1 to " + MAX_PAGE_SIZE);
        }
        return queries.list(filer.id(), page, size);
    }

    /** Reads at most {@link #MAX_BODY_BYTES}, refusing anything larger before it is parsed. */
    private static byte[] readBody(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            throw new ChangeRequestTooLarge(MAX_BODY_BYTES);
        }
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new ChangeRequestTooLarge(MAX_BODY_BYTES);
            }
            return body;
        }
    }
}
