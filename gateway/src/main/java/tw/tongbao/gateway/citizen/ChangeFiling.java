package tw.tongbao.gateway.citizen;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.change.Receipt;
import tw.tongbao.core.delivery.DeliveryId;
import tw.tongbao.core.envelope.Addressee;
import tw.tongbao.core.pseudonym.SubjectPseudonyms;
import tw.tongbao.core.routing.RecipientPolicy;
import tw.tongbao.gateway.security.Filer;

/**
 * Files one validated change: works out on the request's thread everything that needs no database, then hands it to
 * the {@link FilingBatcher} and waits until the transaction holding it commits. The change, its deliveries, their
 * timelines and its outbox message commit together or not at all.
 */
@Component
class ChangeFiling {

    private final RecipientPolicy recipients;
    private final SubjectPseudonyms pseudonyms;
    private final JsonMapper json;
    private final FilingBatcher batcher;

    ChangeFiling(RecipientPolicy recipients, SubjectPseudonyms pseudonyms, JsonMapper json, FilingBatcher batcher) {
        this.recipients = recipients;
        this.pseudonyms = pseudonyms;
        this.json = json;
        this.batcher = batcher;
    }

    /**
     * Queues the change for filing; the answer completes once it has committed. One whose key is already filed completes
     * with {@link KeyAlreadyFiled} (or, filed concurrently, a {@link DuplicateKeyException}) and stores nothing.
     *
     * @throws FilingUnavailable at once when too many filings are waiting or the gateway is stopping
     */
    CompletableFuture<ChangeAnswer> file(Filer filer, ChangeRequest request, IdempotencyKey key, String requestHash) {
        List<Agency> agencies = recipients.recipients(request.type(), request.chosenAgencies());
        List<Addressee> addressees = new ArrayList<>(agencies.size());
        for (Agency agency : agencies) {
            addressees.add(new Addressee(
                    agency.code().value(),
                    DeliveryId.random().value(),
                    pseudonyms.subjectRef(agency.code(), request.subject())));
        }
        return batcher.file(new PreparedFiling(
                filer,
                request,
                key,
                requestHash,
                UUID.randomUUID(),
                Receipt.random(),
                agencies,
                addressees,
                json.writeValueAsBytes(request.data())));
    }
}
